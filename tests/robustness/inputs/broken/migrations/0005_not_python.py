# Release notes

* Backfill `invoice.total` before deploying.
* Then run `manage.py migrate broken 0004`.

| step | owner |
| ---- | ----- |
| 1    | ops   |
