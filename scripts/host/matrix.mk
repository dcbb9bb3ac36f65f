# make matrix's fan-out. The Makefile is .NOTPARALLEL (one run's steps
# depend on each other); this file is not, so the targets of a matrix, each
# a serial 'make run' and 'make kunit' of the Makefile, run side by side
# under the -j that make matrix passes (scripts/host/matrix-jobs.sh). Their
# builds share nothing but the download cache: each target has its own
# kernel build directory, modules copy, initramfs and results directory.
# Variables: TARGETS, TOP, BUILD. A target is KVER (a kernel built from
# source), KVER-FLAVOR (its flavour), or KVER-debian / KVER-debian-rt
# (Debian's prebuilt kernel: no KUnit, so no kunit.py run), or KVER-arm64,
# KVER-arm64-64k, KVER-ppc64le (that architecture, docs/architectures.md).
# A flavour whose fragment builds no KUnit suite into the kernel
# (no-balloon-migration, zsmalloc-m) has no kunit.py run either; its VM run
# still loads movops_kunit.ko where the kernel allows it.
# A target that
# names nothing known fails with its name; matrix.py shows it as a column
# with no results.
.PHONY: all $(TARGETS)
all: $(TARGETS)
kver = $(firstword $(subst -, ,$(1)))
kind = $(patsubst $(call kver,$(1))-%,%,$(filter $(call kver,$(1))-%,$(1)))
$(TARGETS):
	@rc=0; k='$(call kind,$@)'; \
	case $$k in \
	debian|debian-rt) set -- KERNEL=$$k; kunit= ;; \
	'') set --; kunit=1 ;; \
	arm64|ppc64le) set -- ARCH=$$k; kunit=1 ;; \
	arm64-64k) set -- ARCH=arm64 PAGE_SIZE=64K; kunit=1 ;; \
	*) if [ -f $(TOP)/scripts/kconfig/$$k.config ]; then set -- FLAVOR=$$k; kunit=1; \
	     ! grep -qx '# CONFIG_MOVOPS_KUNIT is not set' $(TOP)/scripts/kconfig/$$k.config || kunit=; \
	   else echo "movops: matrix target $@: no kernel kind or flavour '$$k'" >&2; exit 1; fi ;; \
	esac; \
	$(MAKE) -f $(TOP)/Makefile -C $(TOP) --no-print-directory run KVER=$(call kver,$@) "$$@" RESULTS=$(BUILD)/results/$@ || rc=1; \
	[ -z "$$kunit" ] || $(MAKE) -f $(TOP)/Makefile -C $(TOP) --no-print-directory kunit KVER=$(call kver,$@) "$$@" RESULTS=$(BUILD)/results/$@ || rc=1; \
	[ $$rc = 0 ] || echo "movops: matrix target $@ failed" >&2; \
	exit $$rc
