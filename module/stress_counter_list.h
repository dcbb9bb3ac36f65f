/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress_counter_list.h - the counters of the stress mode, defined once:
 * one MS_COUNTER(name) each, in the order movops/stress prints them.  No
 * include guard: stress.h makes enum ms_counter from it, stress.c the names.
 */
MS_COUNTER(balloon_inflated),
MS_COUNTER(balloon_deflated),
MS_COUNTER(balloon_enoent),
MS_COUNTER(balloon_alloc_fail),
MS_COUNTER(balloon_dequeue_empty),
MS_COUNTER(balloon_untracked),
MS_COUNTER(balloon_callback_calls),
MS_COUNTER(balloon_callback_migrated),
MS_COUNTER(balloon_callback_foreign),
MS_COUNTER(enoent_requested),
MS_COUNTER(zs_allocated),
MS_COUNTER(zs_freed),
MS_COUNTER(zs_alloc_fail),
MS_COUNTER(zs_verified),
MS_COUNTER(zs_verify_fail),
MS_COUNTER(zs_compact_runs),
MS_COUNTER(zs_compacted_pages),
MS_COUNTER(tgt_balloon_tries),
MS_COUNTER(tgt_balloon_ok),
MS_COUNTER(tgt_zs_tries),
MS_COUNTER(tgt_zs_ok),
MS_COUNTER(tgt_ebusy),
MS_COUNTER(tgt_enomem),
MS_COUNTER(tgt_errors),
MS_COUNTER(drained_balloon),
MS_COUNTER(drained_zs),
MS_COUNTER(drain_stuck),
MS_COUNTER(oom_deflated),
