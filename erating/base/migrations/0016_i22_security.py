"""Issue 22: report files move from public media to the private storage, under a random name."""
import os
import secrets
import shutil

from django.conf import settings
from django.db import migrations, models

import erating.base.uploads


def move_report_files(apps, schema_editor):
    """Files made before this migration sit under MEDIA_ROOT/reports/YYYY/MM/<readable name>,
    which the web server serves: move each into PRIVATE_ROOT under a random name."""
    ReportFile = apps.get_model("base", "ReportFile")
    media, private = str(settings.MEDIA_ROOT), str(settings.PRIVATE_ROOT)
    for record in ReportFile.objects.exclude(file="").only("pk", "file", "fmt").iterator():
        old = os.path.join(media, record.file.name)
        new_name = f"reports/{secrets.token_hex(16)}.{record.fmt}"
        if os.path.isfile(old):
            os.makedirs(os.path.join(private, "reports"), exist_ok=True)
            shutil.move(old, os.path.join(private, new_name))
            ReportFile.objects.filter(pk=record.pk).update(file=new_name)
        elif not os.path.isfile(os.path.join(private, record.file.name)):
            ReportFile.objects.filter(pk=record.pk).update(file="")  # gone: nothing to serve


class Migration(migrations.Migration):

    dependencies = [
        ("base", "0015_i25_themes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportfile",
            name="file",
            field=models.FileField(blank=True, max_length=200, storage=erating.base.uploads.PrivateStorage(),
                                   upload_to=erating.base.uploads.private_report_path),
        ),
        migrations.RunPython(move_report_files, migrations.RunPython.noop),
    ]
