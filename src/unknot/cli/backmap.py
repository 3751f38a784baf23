"""A small text picture of the back, seen from behind, with each region's number (``unknot regions``).

Each ``$x`` slot of the template is the region numbered by x's place in the alphabet (``content/regions.yaml``); a test
checks that every region has exactly one slot. Highlighted regions are drawn in reverse video.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING

from unknot.model import Catalog

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

# Seen from behind: the receiver's left is on the left of the picture. Each slot is two characters wide:
# `$a` is region number 1, `$b` number 2, ... `$l` number 12.
TEMPLATE = r"""
                      .----.
                     (      )
                      '.  .'
          ___________/  $a  \___________
        /     $b       :  :       $c     \
       |  .--------.   :  :   .--------.  |
       |  |        | $d:  :$e |        |  |
       |  |   $f   |   :$l:   |   $g   |  |
       |  |        | $h:  :$i |        |  |
       |  '--------'   :  :   '--------'  |
       |      $j       :  :       $k      |
        \______________:__:______________/
          left        spine         right
"""
SLOT = re.compile(r"\$([a-z])")


def slots() -> list[int]:
    """The region numbers the template draws, in order of appearance."""
    return [_number(letter) for letter in SLOT.findall(TEMPLATE)]


def _number(letter: str) -> int:
    return ord(letter) - ord("a") + 1


def back_picture(catalog: Catalog, highlight: Collection[str] = ()) -> Text:
    """The picture with every region's number, the ``highlight`` ones (region ids) in reverse video."""
    from rich.text import Text

    by_number = {r.number: r for r in catalog.regions}
    text = Text()
    pos = 0
    template = TEMPLATE.strip("\n")
    for match in SLOT.finditer(template):
        text.append(template[pos : match.start()], style="dim")
        region = by_number[_number(match.group(1))]
        style = "bold reverse yellow" if region.id in highlight else "bold cyan"
        text.append(f"{region.number:>2}", style=style)
        pos = match.end()
    text.append(template[pos:], style="dim")
    return text


PICTURE_WIDTH = max(len(line) for line in TEMPLATE.splitlines())


def regions_beside_picture(catalog: Catalog, highlight: Collection[str] = (), width: int = 100) -> RenderableType:
    """The picture with a numbered list of the region names beside it (beneath it when ``width`` is narrow)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    names = Text()
    for region in catalog.regions:
        style = "bold reverse yellow" if region.id in highlight else "bold cyan"
        names.append(f"{region.number:>2}", style=style)
        names.append(f"  {region.name}\n")
    if width < PICTURE_WIDTH + 30:
        return Group(back_picture(catalog, highlight), names) if width >= PICTURE_WIDTH else names
    grid = Table.grid(padding=(0, 4))
    grid.add_column(no_wrap=True)
    grid.add_column(vertical="middle")
    grid.add_row(back_picture(catalog, highlight), names)
    return grid
