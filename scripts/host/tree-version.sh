#!/bin/sh
# Usage: tree-version.sh KSRC
# The series of a kernel tree (VERSION.PATCHLEVEL), read from its Makefile:
# what a KSRC tree says it is, the only version the harness uses for it.
awk '$1 == "VERSION" && $2 == "=" { v = $3 } $1 == "PATCHLEVEL" && $2 == "=" { p = $3 }
	v != "" && p != "" { print v "." p; exit }' "${1:?usage: tree-version.sh KSRC}/Makefile" 2>/dev/null
