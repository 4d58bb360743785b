"""Runs the LocalStack runtime, then leaves without tearing the interpreter down.

After a test run the emulator holds gigabytes of moto state (3 GB seen). Once the runtime has
stopped every service, Python's own teardown would free that object by object, which took 20 to
30 seconds and made `localstack/stop` fall back to SIGKILL; the operating system reclaims the
memory at once.
"""

import logging
import os
import sys
import traceback

from localstack.runtime.main import main

if __name__ == "__main__":
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported, then the process ends with 1
        traceback.print_exc()
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
