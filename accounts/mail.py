"""Mail leaves the request: it is queued as a task and the worker sends it.

``QueuedEmailBackend`` is ``EMAIL_BACKEND``: every mail Django or allauth sends
(address confirmation, password reset, notices) becomes one ``send_email`` task
whose only argument is the mail itself, in plain JSON. The worker rebuilds it
and sends it through ``EMAIL_DELIVERY_BACKEND`` (SMTP in production); the queued
copy is deleted as soon as it is sent (accounts/tasks.py). Nothing here logs a
mail's subject, body or recipients.
"""

import base64

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from .tasks import send_email

        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            send_email.enqueue(message=mail_to_json(message))
            sent += 1
        return sent


def mail_to_json(message):
    """The parts of an ``EmailMessage`` needed to send it again, as JSON values."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment  # a MIME part cannot be queued
        if isinstance(content, str):
            attachments.append({"filename": filename, "text": content, "mimetype": mimetype})
        else:
            encoded = base64.b64encode(content).decode("ascii")
            attachments.append({"filename": filename, "base64": encoded, "mimetype": mimetype})
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(name): str(value) for name, value in message.extra_headers.items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def mail_from_json(data):
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(alternative) for alternative in data["alternatives"]],
    )
    message.content_subtype = data["content_subtype"]
    for attachment in data["attachments"]:
        if "text" in attachment:
            content = attachment["text"]
        else:
            content = base64.b64decode(attachment["base64"])
        message.attach(attachment["filename"], content, attachment["mimetype"])
    return message
