# SPDX-License-Identifier: GPL-2.0
# Feature probes of the kernel tree being built against, consumed only by
# lib/movops_compat.h: each is 1 if the tree declares the interface, else 0.
# The one list, included by module/Kbuild and kunit/Kbuild.
mv_probe = $(if $(shell grep -qsE '$(1)' $(srctree)/include/linux/$(2) && echo y),1,0)

ccflags-y += -I$(src)/../lib
ccflags-y += -DMV_HAVE_BALLOON_H=$(if $(wildcard $(srctree)/include/linux/balloon.h),1,0)
ccflags-y += -DMV_HAVE_SET_MOVABLE_OPS=$(call mv_probe,int set_movable_ops,migrate.h)
ccflags-y += -DMV_HAVE_ZS_OBJ_READ=$(call mv_probe,zs_obj_read_begin,zsmalloc.h)
ccflags-y += -DMV_HAVE_ZS_OBJ_SG=$(call mv_probe,zs_obj_read_sg_begin,zsmalloc.h)
ccflags-y += -DMV_HAVE_ZS_MALLOC_NID=$(call mv_probe,const int nid,zsmalloc.h)
# 6.17 moved the movable ops out of page->mapping: page_has_movable_ops()
# came, page_movable_ops() went private, balloon_mops stopped being exported.
ccflags-y += -DMV_HAVE_PAGE_HAS_MOVABLE_OPS=$(call mv_probe,bool page_has_movable_ops,page-flags.h)
ccflags-y += -DMV_HAVE_PUBLIC_PAGE_MOVABLE_OPS=$(call mv_probe,\*page_movable_ops.struct page,migrate.h)
# The isolate function (for kprobes): isolate_movable_ops_page() since 6.17,
# isolate_movable_page() before; a bool, once an int that was 0 on success.
ccflags-y += -DMV_HAVE_ISOLATE_MOVABLE_OPS_PAGE=$(call mv_probe,isolate_movable_ops_page,migrate.h)
ccflags-y += -DMV_HAVE_ISOLATE_BOOL=$(call mv_probe,bool isolate_movable(_ops)?_page,migrate.h)
ccflags-y += -DMV_HAVE_BALLOON_MOPS=$(call mv_probe,extern const struct movable_operations balloon_mops,balloon_compaction.h)
ccflags-y += -DMV_HAVE_NR_BALLOON_PAGES=$(call mv_probe,NR_BALLOON_PAGES,mmzone.h)
# Drivers did the balloon list work in migratepage while the header
# offered them balloon_page_insert() (6.12); 7.x's core does it itself.
ccflags-y += -DMV_HAVE_BALLOON_PAGE_INSERT=$(call mv_probe,void balloon_page_insert,balloon_compaction.h)
# The balloon core adjusts managed pages itself (7.x), not the driver.
ccflags-y += -DMV_HAVE_BALLOON_ADJUST_MANAGED=$(call mv_probe,bool adjust_managed_page_count,balloon.h)
# The standalone pageblock bits (set_pfnblock_bit(), PB_compact_skip) since
# 6.16; 6.12 sets the skip bit through set_pfnblock_flags_mask().
ccflags-y += -DMV_HAVE_SET_PFNBLOCK_BIT=$(call mv_probe,void set_pfnblock_bit,pageblock-flags.h)
# alloc_contig_pages() is not exported in 6.12: ask the build's Module.symvers.
ccflags-y += -DMV_HAVE_ALLOC_CONTIG_PAGES_EXPORT=$(if $(shell grep -qsE '\salloc_contig_pages(_noprof)?\s' $(objtree)/Module.symvers && echo y),1,0)
