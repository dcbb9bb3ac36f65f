"""The C sources keep the shape docs/how-it-works.md describes: no file
over 500 lines, no function over 60 lines, and no two files of movops.ko
that call each other (the call graph of module/ and lib/ has no cycle).
The scripts' Python functions (their mains too) stay under 60 lines.
Run as a script, it prints that call graph."""
import ast
import glob
import os
import re
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_FILE_LINES = 500
MAX_FUNC_LINES = 60
SHAPED = ('module', 'kunit', 'lib')
# A function definition: a line at column 0 that ends a parameter list
# (or continues one), its body between a '{' and a '}' at column 0.
DEF = re.compile(r'^[A-Za-z].*[(,]\s*$|^[A-Za-z].*\)\s*$')
NAME = re.compile(r'\b(\w+)\s*\(')


def read(path):
    with open(path) as f:
        return f.read()


def sources(*dirs):
    out = []
    for d in dirs:
        out += sorted(glob.glob(os.path.join(TOP, d, '*.[ch]')))
    return out


def functions(path):
    """(name, first line, body lines) of each function defined in path."""
    lines = read(path).split('\n')
    out, i = [], 0
    while i < len(lines):
        if DEF.match(lines[i]):
            j = i
            while j < len(lines) and lines[j] != '{' and j - i < 8 and \
                    not lines[j].rstrip().endswith(';'):
                j += 1
            if j < len(lines) and lines[j] == '{':
                k = j
                while k < len(lines) and lines[k] != '}':
                    k += 1
                m = NAME.search(lines[i])
                out.append((m.group(1) if m else '?', i + 1, k - j - 1))
                i = k
        i += 1
    return out


def strip(text):
    """C text without comments and string literals."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


def call_graph(dirs=('module', 'lib')):
    """{file: set of files whose functions it names}, over the .c files."""
    files = [f for f in sources(*dirs) if f.endswith('.c')]
    owner = {}
    for f in files:
        for name, _, _ in functions(f):
            if not re.search(r'^static\b.*\b%s\s*\(' % name,
                             read(f), re.M):
                owner.setdefault(name, set()).add(f)
    graph = {}
    for f in files:
        used = set(re.findall(r'\b\w+\b', strip(read(f))))
        graph[f] = {o for n in used if n in owner for o in owner[n]
                    if o != f}
    return graph


def cycles(graph):
    """Pairs of files reachable from each other."""
    def reach(a):
        seen, todo = set(), [a]
        while todo:
            for b in graph.get(todo.pop(), ()):
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        return seen
    r = {f: reach(f) for f in graph}
    return sorted({tuple(sorted((a, b))) for a in graph for b in r[a]
                   if a != b and a in r.get(b, ())})


def rel(path):
    return os.path.relpath(path, TOP)


class Layout(unittest.TestCase):
    def test_files_are_short(self):
        long = ['%s: %d lines' % (rel(f), len(read(f).splitlines()))
                for f in sources(*SHAPED)
                if len(read(f).splitlines()) > MAX_FILE_LINES]
        self.assertEqual(long, [], 'files over %d lines' % MAX_FILE_LINES)

    def test_functions_are_short(self):
        long = ['%s:%d %s(): %d lines' % (rel(f), line, name, n)
                for f in sources(*SHAPED)
                for name, line, n in functions(f) if n > MAX_FUNC_LINES]
        self.assertEqual(long, [], 'functions over %d lines' % MAX_FUNC_LINES)

    def test_script_functions_are_short(self):
        long = []
        for f in sorted(glob.glob(os.path.join(TOP, 'scripts', '**', '*.py'), recursive=True)):
            for n in ast.walk(ast.parse(read(f))):
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lines = n.end_lineno - n.lineno + 1
                    if lines > MAX_FUNC_LINES:
                        long.append('%s:%d %s(): %d lines' % (rel(f), n.lineno, n.name, lines))
        self.assertEqual(long, [], 'Python functions over %d lines' % MAX_FUNC_LINES)

    def test_no_two_files_call_each_other(self):
        found = ['%s <-> %s' % (rel(a), rel(b))
                 for a, b in cycles(call_graph())]
        self.assertEqual(found, [], 'files of module/ and lib/ in a cycle')


if __name__ == '__main__':
    for f, deps in sorted(call_graph().items()):
        print('%s -> %s' % (rel(f), ' '.join(sorted(rel(d) for d in deps))))
