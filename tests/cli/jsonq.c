/*
** jsonq - prints one value of a JSON document, for the CLI tests.
**   jsonq FILE PATH      PATH is dot-separated keys and array indices
** Prints a number with %.17g, a string as is, true/false/null, or the
** length of an array/object prefixed with '#'.  Exit 1 if the path is
** missing, 2 if FILE is not valid JSON.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

int main(int argc, char **argv)
{
    json_error_t jerr;
    json_t *root, *v;
    char *path, *part, *save = NULL;

    if (argc != 3) {
        fprintf(stderr, "usage: jsonq FILE PATH\n");
        return 2;
    }
    root = strcmp(argv[1], "-") == 0 ? json_loadf(stdin, 0, &jerr)
                                     : json_load_file(argv[1], 0, &jerr);
    if (root == NULL) {
        fprintf(stderr, "jsonq: %s:%d:%d: %s\n", argv[1], jerr.line,
                jerr.column, jerr.text);
        return 2;
    }
    v = root;
    path = strdup(argv[2]);
    for (part = strtok_r(path, ".", &save); part && v;
         part = strtok_r(NULL, ".", &save)) {
        if (json_is_array(v))
            v = json_array_get(v, (size_t)strtoul(part, NULL, 10));
        else
            v = json_object_get(v, part);
    }
    free(path);
    if (v == NULL) {
        json_decref(root);
        return 1;
    }
    if (json_is_number(v))
        printf("%.17g\n", json_number_value(v));
    else if (json_is_string(v))
        printf("%s\n", json_string_value(v));
    else if (json_is_true(v))
        puts("true");
    else if (json_is_false(v))
        puts("false");
    else if (json_is_null(v))
        puts("null");
    else if (json_is_array(v))
        printf("#%zu\n", json_array_size(v));
    else
        printf("#%zu\n", json_object_size(v));
    json_decref(root);
    return 0;
}
