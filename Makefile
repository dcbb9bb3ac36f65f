# movops: a test harness for movable_ops page migration (balloon, zsmalloc).
# See README.md. Every step is a script in scripts/ (host/: the pipeline on
# this machine, guest/: inside the VM, kunit/: kunit.py's glue, report/: the
# judges and reports, kconfig/: config fragments); this file composes them.

# The scripts' shared Python library (ktap, splats, expectations, ...) is
# scripts/report/; every script finds it here, none edits sys.path.
export PYTHONPATH := $(CURDIR)/scripts/report$(if $(PYTHONPATH),:$(PYTHONPATH))
# The Python that runs them: Debian's python3, the one whose modules the
# set-up installs (python3-jsonschema, ...), where there is one; a python3
# on PATH may be a wrapper (pyenv's shim: 0.3 s a start here, twice in
# every make run). PYTHON=... chooses another.
PYTHON ?= $(or $(wildcard /usr/bin/python3),python3)

KVER     ?= 7.3
FLAVOR   ?= default
# The guest architecture (docs/architectures.md): x86_64, arm64 (PAGE_SIZE=4K
# or 64K), ppc64le. scripts/host/arch.sh is the one table of what differs; its
# settings come here as MV_<NAME>.
ARCH      ?= x86_64
PAGE_SIZE ?= 4K
comma := ,
MV_VARS := $(shell ARCH='$(ARCH)' PAGE_SIZE='$(PAGE_SIZE)' sh scripts/host/arch.sh make)
ifeq ($(filter KARCH=%,$(MV_VARS)),)
$(error movops: ARCH=$(ARCH) PAGE_SIZE=$(PAGE_SIZE) is not supported (scripts/host/arch.sh))
endif
$(foreach v,$(MV_VARS),$(eval MV_$(v)))
ATAG := $(MV_ATAG)
# A cross-built kernel's make needs its ARCH and compiler (x86_64: as before).
ARCH_KMAKE := $(if $(MV_CROSS_COMPILE),ARCH=$(MV_KARCH) CROSS_COMPILE=$(MV_CROSS_COMPILE))
KSRC     ?=
ACCEL    ?= auto
QEMU_MEM ?= 1G
# The sanitizer flavour (FLAVOR=debug) runs several times slower: a longer
# guest timeout and bounded waits. Its free-memory slack is 16 MiB, not 4:
# the runner empties KASAN's quarantine before measuring, but the stack
# depots of KASAN and page_owner keep every new stack they saw (4.9 MB
# short in one run).
# Under TCG another architecture's guest runs MV_TIME_SCALE times longer.
TIMEOUT  ?= $(shell expr $(if $(filter debug,$(FLAVOR)),1800,300) \* $(MV_TIME_SCALE))
# A guest whose heartbeat started and that then prints nothing for SILENCE
# seconds is hung: the run ends there (scripts/host/vm.py), TIMEOUT stays the
# last resort. An oops or panic ends it at once (oops=panic).
# The sanitizer kernels run far slower under TCG: debug (KASAN...), and kcsan
# with kcsan.skip_watch=40, whose heartbeat was seen 18.7 s apart and whose
# clean stress run a SILENCE of 20 ended as hung (2026-12-02, 10:15).
SLOW_FLAVOR = $(filter debug kcsan,$(FLAVOR))
SILENCE  ?= $(shell expr $(if $(SLOW_FLAVOR),60,20) \* $(MV_TIME_SCALE))
# A guest task in D state, not scheduled, for HUNG seconds while the kernel
# lives (the heartbeat goes on) is stuck: the guest's init says so and the
# run ends there (scripts/guest/init: the kernels have no DETECT_HUNG_TASK).
HUNG     ?= $(shell expr $(if $(SLOW_FLAVOR),180,60) \* $(MV_TIME_SCALE))
# CPUs the guest kernel uses (nr_cpus=); empty: the machine's (vm.py MACHINES:
# ppc64le 1, the SMP crash of docs/architectures.md; GUEST_CPUS=2 brings it back).
GUEST_CPUS ?=
export MOVOPS_WAIT_SCALE ?= $(if $(filter debug,$(FLAVOR)),10,1)
export MOVOPS_MEMFREE_SLACK_KB ?= $(if $(filter debug,$(FLAVOR)),16384,4096)
GUEST_CMD ?=
# Taken literally: a guest command may use $$ and $$(...) without escaping for make.
override GUEST_CMD := $(value GUEST_CMD)
MOVOPS_INJECT ?=
MOVOPS_ONLY ?=
# MOVOPS_LEAK=N: movops.ko leaks N objects at unload (a test of the test:
# on the debug flavour kmemleak_clean must fail). MOVOPS_LEAK_PAGES=N: N
# pages (movops_memfree_restored must fail, on every flavour).
MOVOPS_LEAK ?=
MOVOPS_LEAK_PAGES ?=
# PATCHES: the kernel patches the run's kernel carries (files or
# directories, docs/variants.md); a known failure fixed by one of them
# (fixed-by= in scripts/report/known-failures.txt, a patch file name) must pass.
PATCHES ?=
MOVOPS_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/movops
# Long steps print a progress line every PROGRESS_S seconds (10); V=1 shows
# the raw output of the kernel and module builds instead (kbuild's V=1).
V ?= 0
export V KVER FLAVOR KSRC ACCEL QEMU_MEM TIMEOUT GUEST_CMD MOVOPS_INJECT MOVOPS_ONLY MOVOPS_LEAK MOVOPS_LEAK_PAGES MOVOPS_PASSES MOVOPS_CACHE PATCHES

# make stress / make fuzz (docs/reliability.md): the main stress run's length
# and intensity; the guest TIMEOUT grows with it. KERNEL_ARGS: extra guest
# kernel arguments (the debug flavour arms debug_pagealloc and page_owner,
# and boots with 4-level paging, no5lvl: docs/reliability.md, "Sanitizer kernel";
# the kcsan flavour watches one access in 40, not KCSAN's 4000, so that a
# dropped lock shows as a data race before it crashes the kernel:
# docs/reliability.md, "Data races").
STRESS_SECONDS   ?= 150
STRESS_MIGRATORS ?= 2
STRESS_PAGES     ?= 8192
STRESS_OBJECTS   ?= 8192
# kcsan at skip_watch=40 migrates about 440 movable_ops pages a second, not
# tens of thousands (350,118 in 795 s of guest time, 2026-12-02): its floor
# is 10^4, about a sixth of what 150 s gave there.
STRESS_MIN       ?= $(if $(filter kcsan,$(FLAVOR)),10000,1000000)
# The sanitizer kernels inflate too slowly to exhaust memory in the pressure
# phase's 20 s (kcsan: 348,224 pages held after 53 s, no allocation failure,
# and draining them took the rest of the run's TIMEOUT); that phase runs on
# the other flavours.
STRESS_PHASES    ?= cap main unload $(if $(SLOW_FLAVOR),,pressure )faults kmemleak
FUZZ_INPUTS      ?= 1000
export KERNEL_ARGS ?= $(if $(filter debug,$(FLAVOR)),debug_pagealloc=on page_owner=on no5lvl)$(if $(filter kcsan,$(FLAVOR)),kcsan.skip_watch=40)

# PATCHES="file-or-dir ...": run on a variant, the Debian tree with these
# patches applied, built incrementally from a copy of the pristine build and
# cached by a hash of the patches (docs/variants.md). VTAG names it (p + hash);
# every make of the variant runs in its mount namespace ($(KNS)). The patch
# file names reach the verdict as MOVOPS_PATCH_NAMES.
PATCHES ?=
ifneq ($(strip $(PATCHES)),)
VTAG := $(shell scripts/host/variant.sh tag $(PATCHES))
ifeq ($(VTAG),)
$(error PATCHES=$(PATCHES): no patch found (see above))
endif
export MOVOPS_PATCH_NAMES := $(notdir $(shell scripts/host/variant.sh files $(PATCHES)))
endif
VSUF    := $(if $(VTAG),-$(VTAG))
KNS      = $(if $(VTAG),scripts/host/variant.sh exec $(KERNEL))
# The build directory as make must see it: a variant's is at the pristine path.
KDIR_NS  = $(if $(VTAG),"$$(scripts/host/variant.sh obj $(KERNEL))",$(KDIR))
export PATCHES

BUILD   := $(CURDIR)/build
# KSRC=tree: the version is what the tree's Makefile says, never a default.
ifneq ($(KSRC),)
override KVER := $(shell scripts/host/tree-version.sh $(KSRC))
ifeq ($(KVER),)
$(error movops: KSRC=$(KSRC) is not a kernel tree with VERSION and PATCHLEVEL in its Makefile)
endif
endif
# KERNEL=debian / debian-rt: Debian's own prebuilt kernel of series KVER,
# nothing built (docs/debian-kernels.md). Its name tags the results and
# build directories in place of the flavour; KERNEL itself then names the
# kernel directory, as it does for built kernels.
ifeq ($(origin KERNEL),command line)
DEBIAN  := $(filter debian debian-rt,$(KERNEL))
ifneq ($(filter-out debian debian-rt,$(KERNEL)),)
$(error movops: KERNEL=$(KERNEL): known kernels are debian and debian-rt (unset: built from source))
endif
endif
export DEBIAN
KTAG    := $(or $(DEBIAN),$(FLAVOR))
# Results per version; a flavour other than default, and a variant, get their
# own directory.
RTAG    := $(KVER)$(ATAG)$(if $(filter-out default,$(KTAG)),-$(KTAG))$(VSUF)
RESULTS ?= $(BUILD)/results/$(RTAG)
override KERNEL := $(BUILD)/kernel-$(KVER)$(ATAG)-$(KTAG)$(VSUF)
# The guest's initramfs. Debian's prebuilt kernels get it uncompressed: their
# quick warm verdict (docs/debian-kernels.md) saves the guest's gunzip under
# TCG (0.4 to 0.7 s) and the host's gzip. $(call initrd_as,NAME): a
# target's own initramfs beside it.
INITRD  ?= $(BUILD)/initramfs-$(KVER)$(ATAG)-$(KTAG)$(VSUF).cpio$(if $(DEBIAN),,.gz)
initrd_as = $(patsubst %.cpio.gz,%-$(1).cpio.gz,$(patsubst %.cpio,%-$(1).cpio,$(INITRD)))
# Modules build in a copy of their sources per version and flavour (6.12 and
# 7.3 leave different objects behind); the .ko files are found there.
MOD_SRC ?= $(BUILD)/src-$(KVER)$(ATAG)-$(KTAG)$(VSUF)
export KO_DIR := $(MOD_SRC)
ifeq ($(DEBIAN),)
KDIR    ?= $(KERNEL)
KMAKE    = $(KNS) $(MAKE) -C $(KDIR_NS) $(ARCH_KMAKE)
KERNEL_IMAGE ?= $(KERNEL)/$(MV_KIMAGE)
else
# Headers and compiler of Debian's kernel (in its build root if need be);
# Debian's own modules (virtio_balloon, zram, ...) go into the initramfs.
# Its own set-up: mmdebstrap (a build root for headers that want another
# Debian release's compiler), pahole (module BTF, as Debian's kbuild does),
# zstd (the vmlinux inside Debian's vmlinuz, scripts/host/pvh-vmlinux.py).
DEBIAN_PKGS := mmdebstrap dwarves zstd
override KDIR := $(KERNEL)/headers
KMAKE   := scripts/host/debian-make.sh $(KERNEL)
# What QEMU boots: the vmlinux of Debian's vmlinuz, through its PVH entry,
# where it has one (scripts/host/debian-kernel.sh links it; else the vmlinuz).
KERNEL_IMAGE := $(KERNEL)/image
export KMODS_DIR := $(KERNEL)/modules
# One host thread for both vCPUs (scripts/host/vm.py, --tcg-thread).
override VM_ARGS += --tcg-thread single
endif
# STRESS=0: the VM run without its 30 s stress phase (scenario_check_stress;
# the guest skips stress_check, an expected skip). Debian's prebuilt kernels
# are the quick "is my distribution kernel OK" verdict: 0 there unless
# STRESS=1 (or make stress KERNEL=debian); 1 everywhere else.
STRESS  ?= $(if $(DEBIAN),0,1)
ifeq ($(STRESS),0)
export MOVOPS_STRESS_CHECK_SECONDS ?= 0
endif
# OFFLINE_RACE=SECONDS: the stress phase's offline race (memory offlining
# racing user-space compaction, docs/checks.md). Off (0, an expected skip),
# make mutants included: it meets a kernel bug that oopses the guest now and
# then (docs/kernel-bugs.md), which would fail make check at random.
OFFLINE_RACE ?= 0
export MOVOPS_STRESS_OFFLINE_RACE ?= $(OFFLINE_RACE)
# The kernel's config, for the initramfs (what the KUnit part can run).
export KCONFIG := $(KERNEL)/.config
QEMU    ?= $(MV_QEMU)
PHASES  := $(RESULTS)/phases.tsv
PHASE   := scripts/host/phase.sh $(PHASES)
export RESULTS

# Tests of the tests: with an injected fault, exactly these lines must fail.
EXPECT_FAIL_balloon_fail := balloon_targeted_migrated
EXPECT_FAIL_zs_corrupt := zs_verify_intact
INJECTIONS ?= balloon_fail zs_corrupt
# make check's host steps (host tests, lint, kunit.py) run beside the VM
# from the start of the guest's stress phase (1); 0: after the VM run, so
# that the stress phase has the cores alone (about five times the
# migrations in its 30 s on 2 cores; docs/performance.md).
CHECK_BESIDE ?= 1
# MOVOPS_PASSES: injections run after the main run, in the same boot.
MOVOPS_PASSES ?=
inject_dir = $(BUILD)/results/$(RTAG)-inject-$(1)

.PHONY: all run check test tests setup phases-reset kernel modules initramfs boot verdict \
	bench bench-baseline coverage warm-check shell inject-check dead-check matrix check-arch kcidb kselftest-install kselftest-destdir \
	kselftest-check stress fuzz repro lint kunit kunit-install kunit-uninstall mutants mutants-list clean distclean
.NOTPARALLEL:

all: run

# The main job: from a fresh machine to a verdict.
run: phases-reset setup kernel
	@$(PHASE) modules $(MAKE) --no-print-directory modules KDIR=$(KERNEL)
	@$(PHASE) initramfs scripts/host/mkinitramfs.sh $(INITRD)
	@$(MAKE) --no-print-directory boot
	@rc=0; \
	$(if $(MOVOPS_PASSES),$(PYTHON) scripts/report/split_passes.py $(RESULTS) \
		$(foreach p,$(MOVOPS_PASSES),$(p)=$(call inject_dir,$(p))) || rc=1;) \
	$(MAKE) --no-print-directory verdict || rc=1; \
	for p in $(MOVOPS_PASSES); do \
		$(MAKE) --no-print-directory verdict MOVOPS_INJECT=$$p \
			RESULTS=$(BUILD)/results/$(RTAG)-inject-$$p || rc=1; \
	done; \
	exit $$rc

# The tests: set-up, host-side tests, lint, the VM run, the failure
# injections, kunit.py. The kernel is verified first, with a copy of it
# that has this clone's KUnit suite built in for kunit.py
# (scripts/host/build-kernel.sh, MOVOPS_WITH_SUITE). Then the VM run; the host
# tests, lint and kunit.py, which only read the kernel, run at once
# (scripts/host/parallel.sh: outputs in order after the VM run's, timings in
# $(RESULTS)/check-phases.tsv) beside it, from the start of the guest's
# stress phase, which runs for a fixed time (scripts/host/await-line.sh; or once
# the VM run has ended, if it had none). The injections run as passes of the
# main boot (MOVOPS_PASSES), each judged in its own results directory with
# its own expected failures.
check: setup
	@MOVOPS_WITH_SUITE=1 $(MAKE) --no-print-directory kernel
	@rc=0; r=$(RESULTS); mkdir -p $$r; \
	rm -f $$r/check-phases.tsv $$r/check-host.log $$r/check-host.rc $$r/runner.ktap $$r/.check-vm-ended; \
	{ scripts/host/await-line.sh $(if $(filter 0,$(CHECK_BESIDE)),/dev/null,$$r/runner.ktap) \
		'^# movops-stress-check:' $$r/.check-vm-ended \
		>> $$r/check-phases.tsv; \
	  scripts/host/parallel.sh $$r/check-phases.tsv \
		test '$(PYTHON) tests/run.py' \
		lint '$(KNS) scripts/host/lint.sh $(KDIR_NS)' \
		kunit 'scripts/kunit/kunit-run.sh' > $$r/check-host.log 2>&1; \
	  echo $$? > $$r/check-host.rc; } & \
	$(MAKE) --no-print-directory run MOVOPS_PASSES="$(INJECTIONS)" || rc=1; \
	touch $$r/.check-vm-ended; wait; \
	cat $$r/check-host.log; [ "$$(cat $$r/check-host.rc 2>/dev/null)" = 0 ] || rc=1; \
	$(PYTHON) scripts/report/summary.py --kver $(KVER) --host $(BUILD)/results/host-tests.json \
		--kunit $(RESULTS)/kunit.json $(RESULTS) \
		$(foreach i,$(INJECTIONS),$(call inject_dir,$(i))) || rc=1; \
	exit $$rc

test tests:
	@$(PYTHON) tests/run.py

setup:
	@$(PHASE) setup scripts/host/setup-host.sh --also $(subst $(comma), ,$(MV_ARCH_PKGS)) \
		$(if $(VTAG)$(filter mutants,$(MAKECMDGOALS)),patch) $(if $(DEBIAN),$(DEBIAN_PKGS))

# A run starts from an empty results directory: nothing stale can pass.
phases-reset:
	@mkdir -p "$(RESULTS)" && touch "$(RESULTS)/.writable" 2>/dev/null && rm -f "$(RESULTS)/.writable" || \
		{ echo "movops: results directory $(RESULTS) is not writable" >&2; exit 1; }
	@cd "$(RESULTS)" && rm -f console.log runner.ktap vm.json results.ktap results.json counters.txt qemu-stderr.log
	@: > "$(PHASES)"

kernel: setup
	@$(PHASE) kernel $(if $(DEBIAN),scripts/host/debian-kernel.sh,scripts/host/build-kernel.sh) > /dev/null

# Out-of-tree modules against any prepared kernel build or headers directory.
# A fresh MOD_SRC starts from a copy of a build of the same sources against
# the same kernel, if one is cached (scripts/host/modules-cache.sh).
modules:
	@test -f $(KDIR)/Makefile || { echo "movops: KDIR=$(KDIR) is not a prepared kernel build (run 'make kernel' or set KDIR)" >&2; exit 1; }
	@scripts/host/modules-cache.sh seed $(MOD_SRC) $(KDIR)
	@scripts/host/sync-src.sh $(MOD_SRC)
	@if $(if $(DEBIAN),scripts/host/modules-stamp.sh fresh $(MOD_SRC) $(KDIR),false); then \
		echo "movops: modules in $(MOD_SRC) built from these sources against these headers: kbuild not entered" >&2; \
	else \
		scripts/host/modules-stamp.sh clear $(MOD_SRC); \
		scripts/host/progress.sh "building modules in $(MOD_SRC)" -- \
			$(KMAKE) $(if $(filter 1,$(V)),,-s) -j$(shell nproc) M=$(MOD_SRC) modules && \
		$(if $(DEBIAN),scripts/host/modules-stamp.sh write $(MOD_SRC) $(KDIR),:); \
	fi
	@scripts/host/modules-cache.sh store $(MOD_SRC) $(KDIR)
	@echo "movops: modules in $(MOD_SRC)/module and $(MOD_SRC)/kunit"

initramfs:
	@scripts/host/mkinitramfs.sh $(INITRD)

boot:
	@$(PHASE) vm $(PYTHON) scripts/host/vm.py --kernel $(KERNEL_IMAGE) --qemu $(QEMU) \
		--initrd $(INITRD) --console $(RESULTS)/console.log \
		--ktap $(RESULTS)/runner.ktap --record $(RESULTS)/vm.json \
		--mem $(QEMU_MEM) --arch $(ARCH) --accel $(ACCEL) --timeout $(TIMEOUT) --silence $(SILENCE) --hung $(HUNG) $(if $(GUEST_CPUS),--cpus $(GUEST_CPUS)) $(VM_ARGS) \
		--probe-cache $(MOVOPS_CACHE)/accel.json --append "$(KERNEL_ARGS)" || [ $$? -ne 130 ]

verdict:
	@$(PYTHON) scripts/report/verdict.py --console $(RESULTS)/console.log \
		--ktap $(RESULTS)/runner.ktap --vm-record $(RESULTS)/vm.json \
		--phases $(PHASES) --kernel-timings $(KERNEL)/.movops-timings \
		--out $(RESULTS) --kver $(KVER) --flavor $(FLAVOR) --kernel $(or $(DEBIAN),built) \
		--config $(KERNEL)/.config \
		--patches "$(MOVOPS_PATCH_NAMES)" --expect-fail "$(EXPECT_FAIL_$(MOVOPS_INJECT))"

# One VM run with a fault injected; its results go to their own directory.
inject-check:
	@$(MAKE) --no-print-directory run MOVOPS_PASSES= RESULTS=$(call inject_dir,$(MOVOPS_INJECT))

# Tests of the test for a dead kernel (docs/verdicts.md): the runner makes
# the kernel oops (LKDTM BUG) or lock up every CPU (LKDTM SMP_CALL_LOCKUP)
# half way, or gets stuck itself (LKDTM HUNG_TASK); each run must FAIL by
# itself within DEAD_BUDGET_S of QEMU's start (stuck: plus HUNG), naming the
# splat and what was not run, and leave no QEMU behind.
DEAD_BUDGET_S ?= 60
dead-check:
	@rc=0; for k in oops hang stuck; do \
		$(MAKE) --no-print-directory inject-check MOVOPS_INJECT=$$k; \
		$(PYTHON) scripts/report/dead_check.py --kind $$k \
			--budget $$(expr $(DEAD_BUDGET_S) + $$([ $$k = stuck ] && echo $(HUNG) || echo 0)) \
			"$(BUILD)/results/$(RTAG)-inject-$$k" || rc=1; \
	done; exit $$rc

# Stress mode and the debugfs fuzzer: one VM run each, results of their own.
stress fuzz: export MOVOPS_STRESS_SECONDS := $(STRESS_SECONDS)
stress fuzz: export MOVOPS_STRESS_MIGRATORS := $(STRESS_MIGRATORS)
stress fuzz: export MOVOPS_STRESS_PAGES := $(STRESS_PAGES)
stress fuzz: export MOVOPS_STRESS_OBJECTS := $(STRESS_OBJECTS)
stress fuzz: export MOVOPS_STRESS_MIN := $(STRESS_MIN)
stress fuzz: export MOVOPS_STRESS_PHASES := $(STRESS_PHASES)
stress fuzz: export MOVOPS_FUZZ_INPUTS := $(FUZZ_INPUTS)
# FLAVOR=kcsan: every KCSAN report of the run, judged (scripts/report/kcsan.py: a
# race in the movable_ops paths has failed the verdict already), also in
# RESULTS/kcsan.txt.
stress_results = $(if $(filter command line,$(origin RESULTS)),$(RESULTS),$(BUILD)/results/$(KVER)-$(FLAVOR)$(VSUF)-$(1))
stress fuzz:
	@rc=0; $(MAKE) --no-print-directory run MOVOPS_ONLY=$@ \
		RESULTS=$(call stress_results,$@) \
		TIMEOUT=$(if $(filter command line,$(origin TIMEOUT)),$(TIMEOUT),$(shell expr $(STRESS_SECONDS) + 900)) || rc=1; \
	$(if $(filter kcsan,$(FLAVOR)),$(PYTHON) scripts/report/kcsan.py $(call stress_results,$@)/console.log \
		> $(call stress_results,$@)/kcsan.txt || rc=1; cat $(call stress_results,$@)/kcsan.txt;) \
	exit $$rc

# movops as a kselftest collection (docs/ci-engines.md): DESTDIR/movops,
# with the modules built for KDIR (default: the harness's kernel for
# KVER/FLAVOR; any prepared kernel build or headers directory works).
KSFT_KDIR_SRC = $(BUILD)/src-kdir-$(shell printf '%s' '$(abspath $(KDIR))' | cksum | cut -d' ' -f1)
kselftest-install: kselftest-destdir $(if $(filter command line,$(origin KDIR)),,kernel)
	@$(MAKE) --no-print-directory modules KDIR=$(KDIR) \
		MOD_SRC=$(if $(filter command line,$(origin KDIR)),$(KSFT_KDIR_SRC),$(MOD_SRC))
	@KO_DIR=$(if $(filter command line,$(origin KDIR)),$(KSFT_KDIR_SRC),$(MOD_SRC)) \
		scripts/host/kselftest-install.sh $(KDIR) $(DESTDIR)

kselftest-destdir:
	@test -n "$(DESTDIR)" || { echo "movops: kselftest-install needs DESTDIR=dir" >&2; exit 1; }

# The package in a guest, run as KernelCI and LAVA run it: the kernel tree's
# run_kselftest.sh -c movops, started by the steps of .ci/lava/movops.yaml,
# with a stub lava-test-case; scripts/report/kselftest_check.py compares what LAVA
# was told with the KTAP, verdict.py judges the checks as for make run. FLAVOR=no-balloon-migration: the collection must
# skip (exit 4) and say why. The boot's files go to $(KSFT_RUN).
KSFT_RUN    = $(BUILD)/results/$(RTAG)-kselftest
KSFT_ROOT   = $(BUILD)/kselftest-root-$(KVER)-$(FLAVOR)
KSFT_INITRD = $(call initrd_as,kselftest)
KSFT_EXPECT ?= $(if $(filter no-balloon-migration,$(FLAVOR)),skip,pass)
kselftest-check:
	@scripts/host/setup-host.sh yamllint python3-yaml
	@yamllint -s -d '{extends: default, rules: {line-length: {max: 100}}}' .ci/lava/movops.yaml
	@$(MAKE) --no-print-directory phases-reset setup kernel RESULTS=$(KSFT_RUN)
	@rm -rf $(KSFT_ROOT)
	@$(MAKE) --no-print-directory kselftest-install DESTDIR=$(KSFT_ROOT)/kselftest
	@scripts/host/kselftest-root.sh $(KSFT_ROOT) $(KERNEL)/source
	@EXTRA_ROOT=$(KSFT_ROOT) GUEST_CMD='sh /lava/run.sh' scripts/host/mkinitramfs.sh $(KSFT_INITRD)
	@$(MAKE) --no-print-directory boot RESULTS=$(KSFT_RUN) INITRD=$(KSFT_INITRD)
	@rc=0; $(PYTHON) scripts/report/kselftest_check.py --ktap $(KSFT_RUN)/runner.ktap \
		--console $(KSFT_RUN)/console.log --vm-record $(KSFT_RUN)/vm.json \
		--expect $(KSFT_EXPECT) --out $(KSFT_RUN) || rc=1; \
	[ "$(KSFT_EXPECT)" != pass ] || $(PYTHON) scripts/report/verdict.py --console $(KSFT_RUN)/console.log \
		--ktap $(KSFT_RUN)/inner.ktap --vm-record $(KSFT_RUN)/vm.json \
		--phases $(KSFT_RUN)/phases.tsv --out $(KSFT_RUN) --kver $(KVER) --flavor $(FLAVOR) \
		--config $(KERNEL)/.config || rc=1; \
	exit $$rc

# KCIDB report data (schema v5) of each target's last run, next to its
# results: build/results/<target>/kcidb.json, validated against
# scripts/report/kcidb-schema-v5.json. KCIDB_LOG_BASE: the URL the results
# directories are published under (default: file:// URLs).
KCIDB_LOG_BASE ?=
kcidb:
	@scripts/host/setup-host.sh python3-jsonschema
	@dirs=$$(for d in $(BUILD)/results/*/; do \
		if [ -f "$$d/results.json" ] || [ -f "$$d/vm.json" ]; then echo "$${d%/}"; fi; done); \
	[ -n "$$dirs" ] || { echo "movops: no run in $(BUILD)/results (make run first)" >&2; exit 1; }; \
	$(PYTHON) scripts/report/kcidb.py --validate scripts/report/kcidb-schema-v5.json \
		$(if $(KCIDB_LOG_BASE),--log-base $(KCIDB_LOG_BASE)) $$dirs

# Every supported version side by side, each from its cached build. With
# -jN the versions run at once, as many as scripts/host/matrix-jobs.sh allows
# (cores and memory: one at a time on 2 cores); without -j, one by one.
# MATRIX=: the targets, e.g. "7.3 6.12-debian 7.3-debian 7.3-debian-rt"
# (scripts/host/matrix.mk says what a target name may be).
MATRIX_KVERS ?= 6.12 7.3
# The other architectures (docs/architectures.md), on 7.3; make check-arch
# runs them alone.
MATRIX_ARCHS ?= 7.3-arm64 7.3-arm64-64k 7.3-ppc64le
MATRIX ?= $(MATRIX_KVERS) $(MATRIX_ARCHS)
MATRIX_JOBS = $(shell scripts/host/matrix-jobs.sh $(or $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),$(if $(filter -j,$(MAKEFLAGS)),unlimited,1)))
matrix:
	@rc=0; jobs=$(MATRIX_JOBS); echo "movops: matrix of $(MATRIX), $$jobs at a time"; \
	$(foreach v,$(MATRIX),rm -f $(BUILD)/results/$(v)/results.json;) \
	$(MAKE) -f scripts/host/matrix.mk -k -j$$jobs $$([ $$jobs -gt 1 ] && echo -Otarget) \
		--no-print-directory TARGETS="$(MATRIX)" TOP=$(CURDIR) BUILD=$(BUILD) || rc=1; \
	$(PYTHON) scripts/report/matrix.py $(BUILD)/results $(foreach v,$(MATRIX),$(v)=$(BUILD)/results/$(v)) || rc=1; \
	exit $$rc

# make run and make kunit of every architecture but x86_64, one table
# (build/results/matrix.md): make matrix over MATRIX_ARCHS.
check-arch:
	@$(MAKE) --no-print-directory matrix MATRIX="$(MATRIX_ARCHS)"

# checkpatch --strict, W=1 and sparse over module/ and kunit/.
lint: kernel
	@$(PHASE) lint $(KNS) scripts/host/lint.sh $(KDIR_NS)

# The KUnit suite through the tree's kunit.py, on the same kernel build.
kunit: setup
	@$(PHASE) kunit scripts/kunit/kunit-run.sh

# Hook the suite into (or out of) a kernel tree of your own.
kunit-install kunit-uninstall:
	@test -n "$(KSRC)" || { echo "movops: $@ needs KSRC=/path/to/linux" >&2; exit 1; }
	@scripts/kunit/kunit-hook.sh $(subst kunit-,,$@) $(KSRC)

shell: setup kernel
	@$(MAKE) --no-print-directory modules KDIR=$(KERNEL)
	@scripts/host/mkinitramfs.sh $(INITRD)
	@$(PYTHON) scripts/host/vm.py --interactive --kernel $(KERNEL_IMAGE) --qemu $(QEMU) \
		--initrd $(INITRD) --mem $(QEMU_MEM) --arch $(ARCH) --accel $(ACCEL) $(VM_ARGS) \
		--probe-cache $(MOVOPS_CACHE)/accel.json --append movops.shell=1

# Migration rates, balloon and zsmalloc pages beside anonymous pages, in one
# boot (scripts/guest/bench.sh): bench.json and bench.png in $(RESULTS), the
# boot's own files in $(RESULTS)/bench-run.
BENCH_RUN    = $(RESULTS)/bench-run
BENCH_INITRD = $(call initrd_as,bench)
# The regression gate (docs/performance.md): with BASELINE=file, make bench
# fails when a gated ratio falls more than BENCH_TOLERANCE below it;
# make bench-baseline writes one (to BASELINE, else $(RESULTS)).
BASELINE ?=
BENCH_TOLERANCE ?= 0.50
bench:
	@$(MAKE) --no-print-directory phases-reset setup kernel RESULTS=$(BENCH_RUN)
	@$(MAKE) --no-print-directory modules KDIR=$(KERNEL)
	@MOVOPS_ONLY=none GUEST_CMD='sh /movops/bench.sh' scripts/host/mkinitramfs.sh $(BENCH_INITRD)
	@$(MAKE) --no-print-directory boot RESULTS=$(BENCH_RUN) INITRD=$(BENCH_INITRD)
	@$(PYTHON) scripts/report/bench_report.py --console $(BENCH_RUN)/console.log \
		--vm-record $(BENCH_RUN)/vm.json --out $(RESULTS) --kver $(KVER) \
		$(if $(BASELINE),--baseline $(BASELINE) --tolerance $(BENCH_TOLERANCE)) \
		$(if $(WRITE_BASELINE),--write-baseline $(WRITE_BASELINE))

bench-baseline:
	@$(MAKE) --no-print-directory bench BASELINE= \
		WRITE_BASELINE=$(abspath $(or $(BASELINE),$(RESULTS)/bench-baseline.json))

# Coverage of the movable_ops paths: the suite on the gcov flavour, whose
# counts leave the guest on a third serial port; HTML in $(RESULTS)/coverage,
# the boot's own files (verdict included) in $(RESULTS)/coverage-run. The
# modules are built from a copy of their sources ($(COV_SRC)), so module/
# keeps its default build.
COV_RUN    = $(RESULTS)/coverage-run
COV_INITRD = $(call initrd_as,gcov)
COV_KERNEL = $(BUILD)/kernel-$(KVER)-gcov
COV_SRC    = $(BUILD)/src-$(KVER)-gcov
coverage:
	@$(MAKE) --no-print-directory phases-reset setup RESULTS=$(COV_RUN)
	@FLAVOR=gcov scripts/host/gcov-prepare.sh $(COV_SRC)
	@$(MAKE) --no-print-directory kernel FLAVOR=gcov RESULTS=$(COV_RUN)
	@$(MAKE) -C $(COV_KERNEL) M=$(COV_SRC) modules
	@KO_DIR=$(COV_SRC) scripts/host/mkinitramfs.sh $(COV_INITRD)
	@rc=0; $(MAKE) --no-print-directory boot verdict FLAVOR=gcov RESULTS=$(COV_RUN) \
		INITRD=$(COV_INITRD) VM_ARGS="--serial3 $(COV_RUN)/gcov.b64" || rc=1; \
	scripts/host/coverage.sh $(COV_RUN)/gcov.b64 $(COV_KERNEL) $(RESULTS)/coverage || rc=1; \
	exit $$rc

# Time to verdict on the warm path: touch a module file, make run; only the
# module and the initramfs may be rebuilt, verdict within WARM_BUDGET_S.
WARM_BUDGET_S ?= 15
warm-check:
	@$(PYTHON) scripts/host/warm_check.py --top $(CURDIR) --kernel $(KERNEL) --ko-dir $(MOD_SRC) \
		--results $(RESULTS) --budget $(WARM_BUDGET_S) -- INITRD=$(INITRD)

# make mutants: each mutant of scripts/mutants/ (a small bug in mm/) applied
# in turn to one kernel variant, an incremental build, the VM run stopped at
# the first named failure; the table in build/results/mutants.md
# (docs/mutants.md). MUTANTS='a b' runs a subset; MUTANTS_LOCK=FILE is taken
# around each mutant (a machine shared with other heavy jobs), or kept for the
# next one while held less than MUTANTS_LOCK_HOLD seconds. MUTANTS_BUDGET=S:
# start no mutant likely to end more than S seconds after the start.
MUTANTS ?=
MUTANTS_LOCK ?=
MUTANTS_TIMEOUT ?= 240
MUTANTS_LOCK_HOLD ?= 0
MUTANTS_BUDGET ?= 0
mutants: setup
	@$(PYTHON) scripts/host/mutants.py --kver $(KVER) --timeout $(MUTANTS_TIMEOUT) --budget $(MUTANTS_BUDGET) \
		$(if $(MUTANTS_LOCK),--lock $(MUTANTS_LOCK) --lock-hold $(MUTANTS_LOCK_HOLD)) $(MUTANTS)

mutants-list:
	@$(PYTHON) scripts/host/mutants.py --list
# make repro BUG=name: one kernel bug's reproducer (docs/kernel-bugs.md) in a
# guest of its own (booted with oops=panic, as every guest: a VM_BUG_ON ends
# the run at once), judged by
# scripts/report/repro.py: without the bug's patch the bug must show (REPRODUCED),
# with it (PATCHES=) the reproducer must run clean (FIXED). "make repro"
# alone lists the names. Never part of make run or make check.
BUG ?=
REPRO_RUN    = $(BUILD)/results/$(RTAG)-repro-$(BUG)
REPRO_INITRD = $(call initrd_as,repro)
ifeq ($(strip $(BUG)),)
repro:
	@$(PYTHON) scripts/report/repro.py --list
else
repro:
	@$(PYTHON) scripts/report/repro.py --list | grep "^  $(BUG) " > /dev/null || \
		{ echo "movops: no reproducer named '$(BUG)' (make repro lists them)" >&2; exit 2; }
	@$(MAKE) --no-print-directory phases-reset setup kernel RESULTS=$(REPRO_RUN)
	@$(MAKE) --no-print-directory modules KDIR=$(KERNEL)
	@MOVOPS_ONLY=repro MOVOPS_REPRO=$(BUG) scripts/host/mkinitramfs.sh $(REPRO_INITRD)
	@$(MAKE) --no-print-directory boot RESULTS=$(REPRO_RUN) INITRD=$(REPRO_INITRD)
	@$(PYTHON) scripts/report/repro.py --bug $(BUG) --console $(REPRO_RUN)/console.log \
		--ktap $(REPRO_RUN)/runner.ktap --vm-record $(REPRO_RUN)/vm.json \
		--patches "$(MOVOPS_PATCH_NAMES)" --out $(REPRO_RUN)/repro.json
endif

# Paths quoted: a clone in a folder whose name has a space must not take a
# sibling with it (tests/test_host_fixes.py).
clean:
	rm -rf -- "$(BUILD)"

# Also forget the downloaded trees and kernel builds shared between clones.
distclean: clean
	rm -rf -- "$(MOVOPS_CACHE)"
