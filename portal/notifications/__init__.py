"""In-portal notifications for staff: what happened on a request they handle.

A notification links to the request and holds no text of its own (messages may
hold personal data). Whether a mail goes out too is the user's setting
(``User.notify_by_mail``); the notification is always made.
"""
