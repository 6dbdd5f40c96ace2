"""Speakers' sort names again, now that particles (Van Rompuy) and regnal numbers (Mswati III)
stay with the surname."""

from django.db import migrations

from statements.models import surname_first


def refill_sort_names(apps, schema_editor):
    Speaker = apps.get_model("statements", "Speaker")
    speakers = list(Speaker.objects.only("pk", "name", "sort_name"))
    changed = []
    for speaker in speakers:
        key = surname_first(speaker.name)
        if key != speaker.sort_name:
            speaker.sort_name = key
            changed.append(speaker)
    Speaker.objects.bulk_update(changed, ["sort_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0006_statement_role"),
    ]

    operations = [
        migrations.RunPython(refill_sort_names, migrations.RunPython.noop),
    ]
