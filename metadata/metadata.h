/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OCF 1.1 meta-data from an agent descriptor, written with libxml2. Used
 * at build time only (gen-metadata) and by the unit test that checks the
 * XML embedded in an agent against a fresh rendering of its descriptor.
 */
#pragma once

#include "descriptor.h"

/*
 * Renders d as an OCF 1.1 meta-data document. Returns a malloc'd,
 * NUL-terminated string the caller frees, or NULL on allocation failure.
 */
char *metadata_render(const struct agent_desc *d);
