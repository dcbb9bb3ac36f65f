#!/bin/sh
# Usage: progress.sh WHAT [--objects|--new-objects DIR [--total N]] -- CMD [ARG...]
# progress() of common.sh for callers that are not shell scripts (make).
set -eu
. "$(dirname "$0")/common.sh"
progress "$@"
