"""moto_server, with CodeCommit's repository dates as epoch seconds, as AWS sends them.

moto 5 sends them as ISO 8601 strings, which the AWS SDK for JavaScript v3 refuses to parse ("Expected real
number"), so `ecom-platform doctor` could not read a repository from an unpatched moto.
Usage: python3 moto_server_epoch_dates.py -H 127.0.0.1 -p PORT
"""
import sys
import time

import moto.codecommit.models as codecommit
from moto.server import main

codecommit.iso_8601_datetime_with_milliseconds = lambda *args, **kwargs: time.time()

if __name__ == "__main__":
    main(sys.argv[1:])
