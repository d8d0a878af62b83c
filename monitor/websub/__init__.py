"""WebSub push (W3C WebSub, formerly PubSubHubbub): a hub tells us within
seconds that a feed has new content, instead of our next poll finding it.

    discover.py   discover, link_header_rels   the hub and topic a feed declares (pure)
    signature.py  check_signature, sign        X-Hub-Signature HMAC (pure)
    policy.py     Policy                       what a poll may do about a hub (config)
    intent.py     verify_intent, renew_at      the hub's verification GET, lease renewal (pure)
    subscriber.py Subscriber                   subscribe / renew / unsubscribe at hubs (a daemon job)
    intake.py     PushIntake                   pushed content into the poll pipeline

The subscription state lives in the database (monitor.store.websub), so the
callback can be answered by any replica and only one replica talks to a hub
about a feed at a time (a lease on the subscription row).
"""
