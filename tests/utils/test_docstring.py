"""Shared numpydoc blocks: placeholders filled, indentation, errors."""

import textwrap

import pytest

from skclassgap.utils._docstring import DocBlocks, placeholders, shared_docs

BLOCKS = DocBlocks(
    param="""
    alpha : float, default=1.0
        Strength.
    """,
    ref="""
    A. Author, "A title that runs on
       a second line", 2001.
    """,
)


def test_docblocks_fill_indents_like_the_placeholder_line():
    """Check that a block replaces its placeholder with the placeholder line's
    indentation on every line, after a citation label too, and that lines below
    a placeholder carry on from the block."""

    @BLOCKS
    class Example:
        """Summary.

        Parameters
        ----------
        {param}
            More about alpha.

        References
        ----------
        .. [1] {ref}
        """

    @BLOCKS
    def method(self):
        """Summary.

        {param}
        """

    assert textwrap.dedent(Example.__doc__.split("\n", 1)[1]) == textwrap.dedent(
        """
        Parameters
        ----------
        alpha : float, default=1.0
            Strength.
            More about alpha.

        References
        ----------
        .. [1] A. Author, "A title that runs on
           a second line", 2001.
        """
    )
    assert method.__doc__.splitlines()[2:4] == [
        "        alpha : float, default=1.0",
        "            Strength.",
    ]


def test_docblocks_leave_other_braces_alone():
    """Check that braces that are no placeholder (types, options, sets in
    examples, a name inside a line) are kept as written."""
    doc = (
        'X : {array-like, sparse matrix}\n    kind : {"a", "b"}, default="a"\n'
        "    >>> {1: 2}\n    uses {param} inline\n"
    )
    assert BLOCKS.fill(doc) == doc
    assert placeholders(doc) == []


def test_docblocks_unknown_placeholder_error():
    """Check that a placeholder naming no block raises at decoration time, naming
    the placeholder and the known blocks."""
    with pytest.raises(
        KeyError, match=r"placeholder \{parm\} names no shared block; the blocks "
    ):

        @BLOCKS
        def f():
            """Summary.

            {parm}
            """


def test_docblocks_without_docstring_and_extended():
    """Check that an object without docstring (python -OO) passes unchanged and
    that extended() adds blocks without changing the original set."""

    def f():
        pass

    assert BLOCKS(f) is f and f.__doc__ is None
    more = BLOCKS.extended(extra="x : int\n    An int.")
    assert set(more) == {"param", "ref", "extra"} and set(BLOCKS) == {"param", "ref"}


@pytest.mark.parametrize("name", sorted(shared_docs))
def test_shared_blocks_have_no_trailing_space_or_placeholder(name):
    """Check that every shared block is clean text: no placeholder inside it, no
    trailing blank line or space, and a numpydoc entry or a sentence on its
    first line."""
    block = shared_docs[name]
    assert placeholders(block) == []
    assert block == block.strip() and all(
        line == line.rstrip() for line in block.split("\n")
    )


def test_docblocks_blocks_built_of_blocks_and_cycle_error():
    """Check that a block may be built of other blocks (filled when the set is
    made, indentation kept) and that blocks naming each other in a cycle are
    refused."""
    blocks = DocBlocks(
        sections="Parameters\n----------\n{param}",
        param="alpha : float\n    Strength.",
    )
    assert blocks["sections"] == "Parameters\n----------\nalpha : float\n    Strength."
    with pytest.raises(ValueError, match="refer to each other in a cycle"):
        DocBlocks(a="{b}", b="x\n{a}")
