# make matrix's fan-out. The Makefile is .NOTPARALLEL (one run's steps
# depend on each other); this file is not, so the targets of a matrix, each
# a serial 'make run' and 'make kunit' of the Makefile, run side by side
# under the -j that make matrix passes (scripts/matrix-jobs.sh). Their
# builds share nothing but the download cache: each target has its own
# kernel build directory, modules copy, initramfs and results directory.
# Variables: TARGETS (kernel versions), TOP, BUILD.
.PHONY: all $(TARGETS)
all: $(TARGETS)
$(TARGETS):
	@rc=0; \
	$(MAKE) -f $(TOP)/Makefile -C $(TOP) --no-print-directory run KVER=$@ RESULTS=$(BUILD)/results/$@ || rc=1; \
	$(MAKE) -f $(TOP)/Makefile -C $(TOP) --no-print-directory kunit KVER=$@ RESULTS=$(BUILD)/results/$@ || rc=1; \
	exit $$rc
