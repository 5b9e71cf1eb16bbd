# The dashboard cache lives in the database (settings.CACHES). Creating its table in a
# migration means every database that is migrated has it: `make run`, CI, production and
# the benchmark need no extra step, and saves (which invalidate the cache) never fail.
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_dashboard_indicators")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
