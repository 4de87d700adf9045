/*
** patch.h - changing a loaded document: merge patches (SPEC 1.3, RFC 7396
** extended with named lists), as variants use, and --set PATH=VALUE
** overrides, which are merged the same way.  Knows nothing about chains or
** simulation.
**
** A named list is a sequence of mappings that each have a scalar "name";
** its elements are matched by name, the way a mapping's values are
** matched by key.
*/
#ifndef CHAINSIM_PATCH_H
#define CHAINSIM_PATCH_H

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/node.h"

/*
** Merges patch into *target (SPEC 1.3, RFC 7396 extended with named
** lists):
**   - a mapping patch merges into a mapping target key by key; a null
**     value removes the key; a missing key is added (a clone of the value);
**   - a sequence of mappings that each have a scalar "name" (a named list)
**     merges into a named-list target element by element by name; new
**     names are appended in the patch's order;
**   - a mapping patch against a named-list target is read as keyed by
**     element name: {ingestion: {capacity: 3}, governance: null} merges
**     into the element named ingestion and removes the one named
**     governance (the way to remove a named element in a patch);
**   - anything else replaces the target (a clone of the patch).
** The patch is cloned, not taken: new nodes keep their own file and
** positions, so later errors point into the patch (their file strings
** stay borrowed: the patch's document must outlive the target).
** Removing a key that is not there is not an error.  Names are checked
** (CS_EINPUT, located at the patch's name, with a "did you mean" hint
** from cs_error_suggest over the target's names when one is close):
**   - a keyed patch that removes a name the target list does not have;
**   - a keyed patch entry whose name the target does not have but is
**     close to one it has (a typo would add an element; the list form,
**     or a name close to none, adds one);
**   - a named-list patch that names an element twice.
** A value added where there was none is the patch value without its
** null-valued keys (RFC 7396).  An empty list target counts as a named
** list; an empty list patch replaces.  *target may be NULL (absent); a
** NULL patch changes nothing.  patch must not share nodes with *target.
** Returns CS_OK, CS_EINPUT or CS_ENOMEM (*target is then partly merged,
** still valid).
*/
cs_status cs_patch_merge(cs_node **target, const cs_node *patch, cs_error *err);

/*
** Applies "PATH=VALUE" (split at the first '=') to the document.  PATH is
** dot-separated, no part empty; each part names a mapping key or, in a
** named list, an element's name (so a key or name with a dot in it cannot
** be reached).  Every part but the last must exist; the
** last may be a new key of a mapping (not a new list element).  VALUE is
** read as YAML ("3", "2/w", "{rate: 2/w}", "[a, b]"), then:
**   - null ("null", "~" or empty, as in "a.b=") removes the key or the
**     named element (removing an absent key is not an error);
**   - anything else is merged into the existing value as a patch
**     (cs_patch_merge, SPEC 1.3: "the same mechanism serves the command
**     line"): a mapping merges key by key, so
**     "work.report.arrivals={rate: 2/w}" keeps the other keys of
**     arrivals (against a named list it is keyed by name); a named list
**     merges element by element by name ("teams=[{name: b, capacity:
**     2}]" changes team b only); a scalar or another list replaces.
**     To replace a named list whole, remove it first ("promise=null").
** The new nodes have file "--set PATH=VALUE" (a string kept in
** d->sources) and no line.  Errors (CS_EINPUT) are unlocated and name the
** argument: "--set teams.ingestoin.capacity=3: 'ingestoin' is not an
** element of teams (did you mean 'ingestion'?)", "--set
** teams.ingestion.capacty.x=3: 'capacty' is not a key of teams.ingestion";
** a VALUE that is not valid YAML is an error too, and so is a patch
** VALUE whose names cs_patch_merge refuses (with the argument as file and
** no line).  d is unchanged on an error in the path or VALUE's syntax;
** after a refused name or CS_ENOMEM it is partly changed, still valid.
*/
cs_status cs_patch_set(cs_doc *d, const char *assignment, cs_error *err);

#endif /* CHAINSIM_PATCH_H */
