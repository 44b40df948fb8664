"""SCTBench CS/account_ok.c (SV-COMP): fixed twin of account, the right balance."""

import threading

m = threading.Lock()
x, y, z = 1, 2, 4
balance = x
deposit_done = False
withdraw_done = False


def deposit():
    global balance, deposit_done
    with m:
        balance = balance + y
        deposit_done = True


def withdraw():
    global balance, withdraw_done
    with m:
        balance = balance - z
        withdraw_done = True


def check_result():
    with m:
        if deposit_done and withdraw_done:
            assert balance == (x + y) - z, f"balance={balance}"


THREADS = [check_result, deposit, withdraw]
