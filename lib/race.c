// SPDX-License-Identifier: GPL-2.0
/*
 * race.c - a staged race: two kthreads, A and B, bound to two CPUs, each
 * running its side's function once.  The meetings of movops.ko
 * (isolate_twice.c) and movops_repro.ko (repro.c) use it; each side's
 * function holds or waits for the other as its race needs.
 */
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>

#include "fixtures.h"

/* A side's kthread: run once, say so, then wait to be stopped. */
static int mv_race_thread(void *p)
{
	struct mv_race_side *s = p;

	s->fn(s->data);
	complete(&s->fin);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/* @s's kthread on @cpu, not yet woken, with a reference held. */
static struct task_struct *mv_race_create(struct mv_race_side *s, int cpu,
					  const char *name, char side)
{
	struct task_struct *t;

	init_completion(&s->fin);
	t = kthread_create(mv_race_thread, s, "%s_%c", name, side);
	if (IS_ERR(t))
		return t;
	kthread_bind(t, cpu);
	get_task_struct(t);
	return t;
}

static void mv_race_end(struct task_struct *t)
{
	kthread_stop(t);
	put_task_struct(t);
}

int mv_race_run(struct mv_race_side *a, struct mv_race_side *b, int cpu_a,
		int cpu_b, const char *name, struct task_struct **a_task)
{
	struct task_struct *ta, *tb;

	ta = mv_race_create(a, cpu_a, name, 'a');
	if (IS_ERR(ta))
		return PTR_ERR(ta);
	tb = mv_race_create(b, cpu_b, name, 'b');
	if (IS_ERR(tb)) {
		mv_race_end(ta);	/* never woken: its work never runs */
		return PTR_ERR(tb);
	}
	WRITE_ONCE(*a_task, ta);
	wake_up_process(tb);
	wake_up_process(ta);
	/* Stopping a kthread before it ran would skip its work: wait first. */
	wait_for_completion(&b->fin);
	wait_for_completion(&a->fin);
	mv_race_end(tb);
	mv_race_end(ta);
	WRITE_ONCE(*a_task, NULL);
	return 0;
}
