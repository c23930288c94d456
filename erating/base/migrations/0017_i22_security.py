"""Issue 22: report files move from public media to the private storage, under a random name;
every account gets its key (identity.account_key of its e-mail), unique."""
import logging
import os
import secrets
import shutil
import unicodedata

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


def _account_key(value):
    # identity.account_key as of this migration (a migration must not change with the code).
    text = unicodedata.normalize("NFKC", str(value or "").strip())
    return unicodedata.normalize("NFKC", text.casefold())[:254]


def fill_account_keys(apps, schema_editor):
    """Two existing accounts whose addresses fold onto one key (a look-alike made before this
    migration) cannot both keep it: the older keeps it, the newer gets an unmatchable key (it can
    no longer log in by e-mail until an administrator corrects the address) and is logged."""
    User = apps.get_model("base", "User")
    taken = set()
    for user in User.objects.order_by("pk").only("pk", "email").iterator():
        key = _account_key(user.email)
        if key in taken:
            logging.getLogger(__name__).warning("Account %s: e-mail folds onto another account's", user.pk)
            key = f"!conflict:{user.pk}:{key}"[:254]
        taken.add(key)
        User.objects.filter(pk=user.pk).update(email_key=key)


class Migration(migrations.Migration):

    dependencies = [
        ("base", "0016_i24_manuals_policy_pages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportfile",
            name="file",
            field=models.FileField(blank=True, max_length=200, storage=erating.base.uploads.PrivateStorage(),
                                   upload_to=erating.base.uploads.private_report_path),
        ),
        migrations.RunPython(move_report_files, migrations.RunPython.noop),
        migrations.AddField(
            model_name="user",
            name="email_key",
            field=models.CharField(default="", editable=False, max_length=254),
            preserve_default=False,
        ),
        migrations.RunPython(fill_account_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="email_key",
            field=models.CharField(editable=False, max_length=254, unique=True),
        ),
    ]
