"""Notifications say which thread or circle they name, so that they go out of sight with it."""

import django.db.models.deletion
from django.db import migrations, models


def name_subjects(apps, schema_editor):
    """Notifications sent before this migration: their key says what they were about."""
    Notification = apps.get_model("weaving", "Notification")
    Thread = apps.get_model("exchange", "Thread")
    Reply = apps.get_model("exchange", "Reply")
    Circle = apps.get_model("communities", "Circle")
    for note in Notification.objects.exclude(key="").iterator():
        parts = note.key.split(":")
        thread_id = circle_id = None
        if parts[0] == "invite" and len(parts) == 2 and parts[1].isdigit():
            thread_id = int(parts[1])
        elif parts[0] in ("hidden", "auto-hidden") and len(parts) >= 3 and parts[2].isdigit():
            if parts[1] == "reply":
                thread_id = Reply.objects.filter(pk=int(parts[2])).values_list(
                    "thread_id", flat=True
                ).first()
            else:
                thread_id = int(parts[2])
        elif parts[0] == "circle-invite" and len(parts) == 3 and parts[1].isdigit():
            circle_id = int(parts[1])
        if thread_id is not None and Thread.objects.filter(pk=thread_id).exists():
            Notification.objects.filter(pk=note.pk).update(thread_id=thread_id)
        if circle_id is not None and Circle.objects.filter(pk=circle_id).exists():
            Notification.objects.filter(pk=note.pk).update(circle_id=circle_id)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0003_agreement_agreementacceptance_and_more"),
        ("exchange", "0004_thread_circle_restrict"),
        ("weaving", "0002_visibility_clock"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="circle",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="communities.circle",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="thread",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="exchange.thread",
            ),
        ),
        migrations.RunPython(name_subjects, migrations.RunPython.noop),
    ]
