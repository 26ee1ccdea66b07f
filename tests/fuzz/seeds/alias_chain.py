from django.db import migrations, models


A0 = A1
A1 = A2
A2 = A3
A3 = A4
A4 = A5
A5 = A6
A6 = A7
A7 = A8
A8 = A9
A9 = A10
A10 = A11
A11 = A12
A12 = A13
A13 = A14
A14 = A15
A15 = A16
A16 = A17
A17 = A18
A18 = A19
A19 = A20
A20 = A21
A21 = A22
A22 = A23
A23 = A24
A24 = A25
A25 = A26
A26 = A27
A27 = A28
A28 = A29
A29 = A30
A30 = A31
A31 = A32
A32 = A33
A33 = A34
A34 = A35
A35 = A36
A36 = A37
A37 = A38
A38 = A39
A39 = A40
A40 = A0


class Migration(migrations.Migration):
    operations = A0
