#!/bin/sh
# port-tee.sh PORT: copy stdin to stdout and to PORT (the KTAP/host port:
# ttyS1, hvc1, a virtio-serial port), one whole line per write on each,
# at once. The runner writes its host requests (scenario-real.sh, mr_host)
# straight to PORT, beside this copy: a copy in blocks (tee after busybox
# sed, which writes 4096-byte blocks that end mid-line) could put a request
# in the middle of a KTAP line, and neither would be read. busybox awk's
# fflush() with no argument flushes every open file.
exec awk -v port="${1:?usage: port-tee.sh PORT}" '{ print; print > port; fflush() }'
