"""Drives the gateway with Python's official `stripe` package (Debian's python3-stripe), as a
merchant's unchanged Python code would, and prints what the SDK returned as JSON for the jest
suite to check. Usage: stripe_python_driver.py <gateway url> <api key>"""
import json
import sys

import stripe

stripe.api_base = sys.argv[1]
stripe.api_key = sys.argv[2]
stripe.max_network_retries = 2

report = {"sdk_version": stripe.version.VERSION}

created = stripe.checkout.Session.create(
    mode="payment",
    line_items=[{"price": "price_tshirt", "quantity": 2}, {"price": "price_mug", "quantity": 1}],
    success_url="https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}",
    metadata={"order_id": "py-1"},
    client_reference_id="py-user",
    expand=["line_items"],
)
report["created"] = {
    "id": created.id,
    "object": created.object,
    "status": created.status,
    "amount_total": created.amount_total,
    "currency": created.currency,
    "metadata": dict(created.metadata),
    "client_reference_id": created.client_reference_id,
    "success_url": created.success_url,
    "url": created.url,
    "ui_mode": created.ui_mode,
    "line_item_prices": [item.price.id for item in created.line_items.data],
}

retrieved = stripe.checkout.Session.retrieve(created.id)
report["retrieved"] = {"id": retrieved.id, "amount_total": retrieved.amount_total, "has_line_items": "line_items" in retrieved}

for _ in range(3):
    stripe.checkout.Session.create(mode="payment", line_items=[{"price": "price_poster", "quantity": 1}])
listed = stripe.checkout.Session.list(limit=2)
report["list_first_page"] = {"count": len(listed.data), "has_more": listed.has_more, "object": listed.object}
report["list_all_ids"] = [session.id for session in stripe.checkout.Session.list(limit=2).auto_paging_iter()]

try:
    stripe.checkout.Session.create(mode="payment", line_items=[{"price": "price_unmapped", "quantity": 1}])
    report["error"] = None
except stripe.error.InvalidRequestError as error:
    report["error"] = {"class": type(error).__name__, "http_status": error.http_status, "code": error.code, "param": error.param, "message": error.user_message}

try:
    stripe.checkout.Session.retrieve("cs_missing")
    report["missing"] = None
except stripe.error.InvalidRequestError as error:
    report["missing"] = {"class": type(error).__name__, "http_status": error.http_status, "code": error.code}

try:
    stripe.checkout.Session.list(api_key="sk_test_python_wrong_key_1111")
    report["auth"] = None
except stripe.error.AuthenticationError as error:
    report["auth"] = {"class": type(error).__name__, "http_status": error.http_status}

customer = stripe.Customer.create(email="py.customer@example.com", name="Py Customer", metadata={"source": "python"})
stripe.Customer.create(email="py.other@example.com")
by_email = stripe.Customer.list(email="py.customer@example.com")
modified = stripe.Customer.modify(customer.id, phone="+15550001111")
found = stripe.Customer.search(query="metadata['source']:'python'")
all_ids = [c.id for c in stripe.Customer.list(limit=1).auto_paging_iter()]
deleted = stripe.Customer.delete(customer.id)
report["customers"] = {
    "created": {"id": customer.id, "object": customer.object, "email": customer.email, "metadata": dict(customer.metadata)},
    "listed_ids": [c.id for c in by_email.data],
    "listed_has_more": by_email.has_more,
    "all_ids": all_ids,
    "modified_phone": modified.phone,
    "found": {"object": found.object, "ids": [c.id for c in found.data], "has_more": found.has_more},
    "deleted": {"id": deleted.id, "deleted": deleted.deleted},
    "retrieved_deleted": bool(stripe.Customer.retrieve(customer.id).get("deleted")),
}
# The catalog as a Python seed script makes it and a pricing page reads it back.
product = stripe.Product.create(name="Py plan", description="Made from Python")
monthly = stripe.Price.create(
    product=product.id,
    unit_amount=1200,
    currency="usd",
    recurring={"interval": "month", "trial_period_days": 14},
    lookup_key="py_monthly",
)
yearly = stripe.Price.create(product=product.id, unit_amount=12000, currency="usd", recurring={"interval": "year"}, lookup_key="py_yearly")
by_key = stripe.Price.list(lookup_keys=["py_monthly", "py_yearly"], expand=["data.product"])
recurring = [price.id for price in stripe.Price.list(active=True, type="recurring", limit=2).auto_paging_iter()]
report["catalog"] = {
    "product": {"id": product.id, "name": product.name, "description": product.description},
    "monthly": {
        "id": monthly.id,
        "product": monthly.product,
        "unit_amount": monthly.unit_amount,
        "interval": monthly.recurring.interval,
        "trial_period_days": monthly.recurring.trial_period_days,
    },
    "by_key": sorted([[price.lookup_key, price.product.name, price.unit_amount] for price in by_key.data]),
    "recurring_ids": recurring,
    "yearly_id": yearly.id,
}
try:
    stripe.Price.create(product=product.id, unit_amount=100, currency="usd", recurring={"interval": "week"})
    report["catalog"]["weekly"] = None
except stripe.error.InvalidRequestError as error:
    report["catalog"]["weekly"] = {"class": type(error).__name__, "http_status": error.http_status, "param": error.param}

print(json.dumps(report))
