from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.RunSQL(u"SELECT 1", reverse_sql=ur"SELECT 2"),
    ]
    print "done"
    except Exception, e:
        pass
