"""The one assertion of the BI test scripts: print "ok WHAT", or "FAIL WHAT" and exit 1."""
import sys

passed = 0


def check(cond, what):
    global passed
    if not cond:
        print("FAIL " + what)
        sys.exit(1)
    passed += 1
    print("ok " + what)
