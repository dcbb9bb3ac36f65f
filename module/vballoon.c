// SPDX-License-Identifier: GPL-2.0
/*
 * vballoon.c - virtio_balloon's accounting as the device holds it: the
 * host's target (num_pages) and the driver's answer (actual) in the
 * configuration space, both in the device's 4 KiB units
 * (VIRTIO_BALLOON_PFN_SHIFT) whatever the kernel's page size: with 64 KiB
 * pages one balloon page is 16 of them.  The balloon is the virtio device
 * under QEMU's virtio-balloon-pci.  Calls no other file of the module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pci.h>
#include <linux/string.h>
#include <linux/virtio.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "movops.h"

#define MV_PCI_VENDOR_VIRTIO	0x1af4

/* A child of a virtio PCI device: the balloon's configuration, if it is one. */
static int mv_vballoon_child(struct device *dev, void *data)
{
	struct mv_vballoon *vb = data;
	struct virtio_device *vdev;

	if (!dev->bus || strcmp(dev->bus->name, "virtio"))
		return 0;
	vdev = dev_to_virtio(dev);
	if (vdev->id.device != VIRTIO_ID_BALLOON)
		return 0;
	virtio_cread_le(vdev, struct virtio_balloon_config, num_pages,
			&vb->num_pages);
	virtio_cread_le(vdev, struct virtio_balloon_config, actual, &vb->actual);
	return 1;
}

/* The first virtio balloon's num_pages and actual; -ENODEV without one. */
int mv_vballoon_read(struct mv_vballoon *vb)
{
	struct pci_dev *pdev = NULL;

	while ((pdev = pci_get_device(MV_PCI_VENDOR_VIRTIO, PCI_ANY_ID, pdev))) {
		if (device_for_each_child(&pdev->dev, vb, mv_vballoon_child)) {
			pci_dev_put(pdev);
			return 0;
		}
	}
	return -ENODEV;
}
