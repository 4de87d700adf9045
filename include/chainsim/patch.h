/*
** patch.h - changing a loaded document: merge patches (SPEC 1.3, RFC 7396
** extended with named lists and routes keyed by step id), as variants
** use, and --set PATH=VALUE overrides, which are merged the same way.
** Knows nothing about simulation.
**
** A named list is a sequence of mappings that each have a scalar "name";
** its elements are matched by name, the way a mapping's values are
** matched by key.  A route is a sequence of mappings, not a named list,
** that each have a "team", a "parallel" or an "id" (a class's steps, a
** parallel step's branches); its elements are matched by step id: a
** step's scalar "id", else its scalar "team" when no other step of the
** class's route, parallel branches included, has that team.  A step
** without either has no id and is matched by nothing.
*/
#ifndef CHAINSIM_PATCH_H
#define CHAINSIM_PATCH_H

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/node.h"

/*
** Merges patch into *target (SPEC 1.3, RFC 7396 extended with named
** lists and routes):
**   - a mapping patch merges into a mapping target key by key; a null
**     value removes the key; a missing key is added (a clone of the value);
**   - a sequence of mappings that each have a scalar "name" (a named list)
**     merges into a named-list target element by element by name; new
**     names are appended in the patch's order;
**   - a sequence of mappings that each have a scalar "id" merges into a
**     route element by element by step id (a step named by its team gets
**     that id written out, so it keeps it if its team changes); a new id
**     is a new step, placed right after the step the patch lists before
**     it, or, when listed before any existing step, right before the
**     first existing step the patch lists; a patch of new steps only
**     appends them.  Existing steps keep their order;
**   - a mapping patch against a named list or a route is read as keyed by
**     element name or step id: {ingestion: {capacity: 3}, governance:
**     null} merges into the element named ingestion and removes the one
**     named governance (the way to remove an element in a patch); new
**     keys are placed as in the list form;
**   - anything else replaces the target (a clone of the patch), so a
**     list of steps some of which have no "id" replaces a route.
** The patch is cloned, not taken: new nodes keep their own file and
** positions, so later errors point into the patch (their file strings
** stay borrowed: the patch's document must outlive the target).
** Removing a key that is not there is not an error.  Names and ids are
** checked (CS_EINPUT, located at the patch's name or id, with a "did you
** mean" hint from cs_error_suggest over the target's names or ids when
** one is close):
**   - a keyed patch that removes a name or id the target list does not
**     have;
**   - a keyed patch entry whose name or id the target does not have but
**     is close to one it has (a typo would add an element; the list form,
**     or a name close to none, adds one);
**   - a route entry with an unknown id and neither "team" nor "parallel"
**     (it could only have edited a step);
**   - a list patch that names an element or a step twice.
** A value added where there was none is the patch value without its
** null-valued keys (RFC 7396).  An empty list target counts as a named
** list; an empty list patch replaces.  *target may be NULL (absent); a
** NULL patch changes nothing.  patch must not share nodes with *target.
** Returns CS_OK, CS_EINPUT or CS_ENOMEM (*target is then partly merged,
** still valid).
*/
cs_status cs_patch_merge(cs_node **target, const cs_node *patch, cs_error *err);

/*
** As cs_patch_merge, for a patch already checked against the document it
** was written for (so its names are right), merged now into that document
** as overrides changed it: removing a name or a step id that the target
** lacks does nothing, since an override removed it first.  The other
** checks stay.
*/
cs_status cs_patch_merge_over(cs_node **target, const cs_node *patch,
                              cs_error *err);

/*
** Applies "PATH=VALUE" (split at the first '=') to the document.  PATH is
** dot-separated, no part empty; each part names a mapping key or, in a
** named list, an element's name, or, in a route, a step id (so a key or
** name with a dot in it cannot be reached).  Every part but the last must
** exist; the last may be a new key of a mapping (not a new list element).
** VALUE is read as YAML ("3", "2/w", "{rate: 2/w}", "[a, b]"), then:
**   - null ("null" or "~") removes the key, the named element or the
**     step (removing an absent key is not an error);
**   - anything else is merged into the existing value as a patch
**     (cs_patch_merge, SPEC 1.3: "the same mechanism serves the command
**     line"): a mapping merges key by key, so
**     "work.report.arrivals={rate: 2/w}" keeps the other keys of
**     arrivals (against a named list or a route it is keyed by name or
**     id); a named list merges element by element by name ("teams=[{name:
**     b, capacity: 2}]" changes team b only), a list of steps with ids by
**     id; a scalar or another list replaces.  To replace a named list
**     whole, remove it first ("promise=null").
** The new nodes have file "--set PATH=VALUE" (a string kept in
** d->sources) and no line.  Errors (CS_EINPUT) are unlocated and name the
** argument: "--set teams.ingestoin.capacity=3: 'ingestoin' is not an
** element of teams (did you mean 'ingestion'?)", "--set
** teams.ingestion.capacty.x=3: 'capacty' is not a key of teams.ingestion";
** a VALUE that is not valid YAML is an error too, and so is a patch
** VALUE whose names cs_patch_merge refuses (with the argument as file and
** no line), and an empty VALUE ("a.b=", or only white space or a
** comment: the argument as file), which would otherwise remove the key
** unnoticed.  d is unchanged on an error in the path or VALUE's syntax;
** after a refused name or CS_ENOMEM it is partly changed, still valid.
*/
cs_status cs_patch_set(cs_doc *d, const char *assignment, cs_error *err);

/*
** Whether cs_patch_set would take the path of "PATH=VALUE" in d: CS_OK
** when its shape is right and every part but the last exists (the last
** may be a new key of a mapping); else CS_EINPUT with cs_patch_set's
** message, or CS_ENOMEM.  VALUE is not read; d is not changed.
*/
cs_status cs_patch_locate(const cs_doc *d, const char *assignment,
                          cs_error *err);

/*
** Checks "PATH=VALUE" without a document: the shape of PATH, and a VALUE
** that is valid YAML and not empty, with cs_patch_set's messages.
** CS_OK, CS_EINPUT or CS_ENOMEM.
*/
cs_status cs_patch_check(const char *assignment, cs_error *err);

#endif /* CHAINSIM_PATCH_H */
