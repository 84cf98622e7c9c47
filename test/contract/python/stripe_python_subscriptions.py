"""A SaaS app's subscription flow with Python's official `stripe` package (Debian's python3-stripe),
against the gateway: catalog, customer, a trial checkout (completed on the Loops emulator as the
customer's browser would), the subscription read back, cancel at period end and back, its
invoices in two API versions, cancel now. Prints what the SDK returned as JSON for the jest suite.
Usage: stripe_python_subscriptions.py <gateway url> <api key> <emulator url>"""
import json
import sys
import urllib.request

import stripe

stripe.api_base = sys.argv[1]
stripe.api_key = sys.argv[2]
emulator = sys.argv[3]
stripe.max_network_retries = 2

OLD = "2024-06-20"
report = {}


def complete_on_loops(session_id, email, name):
    """What the customer does on Loops' page: the emulator's admin `complete` (docs/emulator.md)."""
    request = urllib.request.Request(
        "%s/_emulator/sessions/%s/complete" % (emulator, session_id),
        data=json.dumps({"email": email, "name": name}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def error_of(call):
    try:
        call()
        return None
    except stripe.error.StripeError as error:
        return {"class": type(error).__name__, "http_status": error.http_status, "code": error.code}


product = stripe.Product.create(name="Py SaaS", description="The Python plan")
price = stripe.Price.create(
    product=product.id,
    unit_amount=900,
    currency="usd",
    recurring={"interval": "month", "trial_period_days": 7},
    lookup_key="py_saas_monthly",
)
customer = stripe.Customer.create(email="ada@example.com", name="Ada Lovelace")

# The app reads the trial off its price, as pricing pages do, and gives it to Checkout.
session = stripe.checkout.Session.create(
    mode="subscription",
    customer=customer.id,
    line_items=[{"price": price.id, "quantity": 1}],
    subscription_data={"trial_period_days": price.recurring.trial_period_days, "metadata": {"seat": "ada"}},
    success_url="https://saas.example/welcome?session_id={CHECKOUT_SESSION_ID}",
)
report["session_open"] = {"status": session.status, "subscription": session.subscription, "customer": session.customer}
complete_on_loops(session.id, "ada@example.com", "Ada Lovelace")

back = stripe.checkout.Session.retrieve(session.id, expand=["customer", "subscription"])
report["session"] = {
    "class": type(back).__name__,
    "status": back.status,
    "payment_status": back.payment_status,
    "customer_details": {"email": back.customer_details.email, "name": back.customer_details.name},
    "customer": {"class": type(back.customer).__name__, "id": back.customer.id, "name": back.customer.name},
    "subscription": {"class": type(back.subscription).__name__, "id": back.subscription.id, "status": back.subscription.status},
}
sub_id = back.subscription.id

sub = stripe.Subscription.retrieve(sub_id)
item = sub["items"].data[0]
report["subscription"] = {
    "class": type(sub).__name__,
    "id": sub.id,
    "status": sub.status,
    "customer": sub.customer,
    "metadata": dict(sub.metadata),
    "trial_days": (sub.trial_end - sub.trial_start) // 86400,
    "item_class": type(item).__name__,
    "price": item.price.id,
    "plan": item.plan.id,
    "period_end": item.current_period_end,
    "trial_end": sub.trial_end,
    "top_level_period": "current_period_end" in sub,
}

scheduled = stripe.Subscription.modify(sub_id, cancel_at_period_end=True)
report["scheduled"] = {"cancel_at_period_end": scheduled.cancel_at_period_end, "cancel_at": scheduled.cancel_at, "status": scheduled.status}
resumed = stripe.Subscription.modify(sub_id, cancel_at_period_end=False)
report["resumed"] = {"cancel_at_period_end": resumed.cancel_at_period_end, "cancel_at": resumed.cancel_at, "canceled_at": resumed.canceled_at}

invoices = stripe.Invoice.list(subscription=sub_id)
report["invoices"] = [
    {
        "class": type(invoice).__name__,
        "id": invoice.id,
        "status": invoice.status,
        "amount_due": invoice.amount_due,
        "billing_reason": invoice.billing_reason,
        "subscription": invoice.parent.subscription_details.subscription,
        "line_price": invoice.lines.data[0].pricing.price_details.price,
        "has_paid_field": "paid" in invoice,
    }
    for invoice in invoices.auto_paging_iter()
]
old_invoices = stripe.Invoice.list(subscription=sub_id, stripe_version=OLD)
report["old_invoices"] = [
    {"subscription": invoice.subscription, "paid": invoice.paid, "line_price": invoice.lines.data[0].price.id}
    for invoice in old_invoices.data
]
old_sub = stripe.Subscription.retrieve(sub_id, stripe_version=OLD)
report["old_subscription"] = {"current_period_end": old_sub.current_period_end, "discount": old_sub.discount}

canceled = stripe.Subscription.cancel(sub_id)
report["canceled"] = {
    "class": type(canceled).__name__,
    "status": canceled.status,
    "ended_at_is_canceled_at": canceled.ended_at == canceled.canceled_at,
    "reason": canceled.cancellation_details.reason,
}
report["listed_live"] = [s.id for s in stripe.Subscription.list(customer=customer.id).data]
report["listed_canceled"] = [s.id for s in stripe.Subscription.list(customer=customer.id, status="canceled").data]
report["cancel_again"] = error_of(lambda: stripe.Subscription.cancel(sub_id))
report["ids"] = {"product": product.id, "price": price.id, "customer": customer.id, "session": session.id}

print(json.dumps(report))
