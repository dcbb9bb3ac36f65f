// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.c - where every held page was at the last "snapshot", and how
 * many have moved since (by anyone: kcompactd, proactive compaction).
 */
#include "movops.h"

void mv_snapshot(void)
{
	struct mv_zobj *o;
	struct mv_bpage *e;
	unsigned int i;

	spin_lock(&mv.track_lock);
	for (i = 0; i < mv.bheld; i++) {
		e = mv.bpages[i];
		e->snap_pfn = e->t.pfn;
		e->snap_moves = e->t.moves;
	}
	spin_unlock(&mv.track_lock);
	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++) {
		o = &mv.zobjs[i];
		o->snap_pfn[0] = o->pfn[0];
		o->snap_pfn[1] = o->pfn[1];
	}
	mv.has_snapshot = true;
	mv_inc(MV_C_snapshots);
}

unsigned long mv_moved_since_snapshot_balloon(void)
{
	unsigned long n = 0;
	struct mv_bpage *e;
	unsigned int i;

	spin_lock(&mv.track_lock);
	for (i = 0; i < mv.bheld; i++) {
		e = mv.bpages[i];
		if (e->t.moves != e->snap_moves || e->t.pfn != e->snap_pfn)
			n++;
	}
	spin_unlock(&mv.track_lock);
	return n;
}

unsigned long mv_moved_since_snapshot_zs(void)
{
	unsigned long n = 0;
	struct mv_zobj *o;
	unsigned int i;

	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++) {
		o = &mv.zobjs[i];
		if (o->pfn[0] != o->snap_pfn[0] || o->pfn[1] != o->snap_pfn[1])
			n++;
	}
	return n;
}
