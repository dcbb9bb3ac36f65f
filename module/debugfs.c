// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs.c - the plumbing every debugfs file of movops uses: input
 * parsing and the runners that do one operation under mv.lock.  It calls
 * no other file of the module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "movops.h"

/*
 * Copy a short user string and drop one trailing newline.  Anything
 * longer than MV_INPUT_MAX, or with an embedded NUL, is -EINVAL.  Every
 * debugfs write handler of the module parses its input through this.
 */
int mv_get_input(const char __user *ubuf, size_t len, char *buf)
{
	if (!len || len >= MV_INPUT_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (!len || strlen(buf) != len)
		return -EINVAL;
	return 0;
}

int mv_get_uint(const char __user *ubuf, size_t len, unsigned int *val)
{
	char buf[MV_INPUT_MAX];
	int ret;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	return kstrtouint(buf, 10, val);
}

/* @op under the module mutex; what a write handler of @len returns. */
ssize_t mv_locked_op(size_t len, int (*op)(void))
{
	int ret;

	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	ret = op();
	mutex_unlock(&mv.lock);
	return ret ? ret : len;
}

/* Input one unsigned number, then @op(number) locked. */
ssize_t mv_write_uint_op(const char __user *ubuf, size_t len,
			 int (*op)(unsigned int n))
{
	unsigned int n;
	int ret;

	ret = mv_get_uint(ubuf, len, &n);
	if (ret)
		return ret;
	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	ret = op(n);
	mutex_unlock(&mv.lock);
	return ret ? ret : len;
}

/* Input exactly @word (one trailing newline allowed), then @op locked. */
ssize_t mv_write_word_op(const char __user *ubuf, size_t len,
			 const char *word, int (*op)(void))
{
	char buf[MV_INPUT_MAX];
	int ret;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	if (strcmp(buf, word))
		return -EINVAL;
	return mv_locked_op(len, op);
}

/* Input that must be exactly the number 1, then @op locked. */
ssize_t mv_write_one_op(const char __user *ubuf, size_t len, int (*op)(void))
{
	unsigned int v;
	int ret;

	ret = mv_get_uint(ubuf, len, &v);
	if (ret)
		return ret;
	if (v != 1)
		return -EINVAL;
	return mv_locked_op(len, op);
}

/* Root-only files of a table, in @dir. */
void mv_debugfs_files(struct dentry *dir, const struct mv_file *files,
		      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		debugfs_create_file(files[i].name, 0600, dir, NULL,
				    files[i].fops);
}
