"""Report documents: sections (findings first), tables for people, HTML pages, Word.

A notebook builds one :class:`Section` (findings, headings, prose, tables, figures, what
it could not do) and saves it; ``cchc report`` renders all sections as HTML pages and as
one Word document, so every text is written once, in one language.
"""

from .docx import write_docx
from .html import section_html, table_html
from .model import SECTION_DIR, Section, load_sections
from .tables import KINDS, PeopleTable, column_kind, people_table
from .words import GLOSSARY, word

__all__ = ["Section", "load_sections", "SECTION_DIR", "PeopleTable", "people_table", "column_kind", "KINDS",
           "section_html", "table_html", "write_docx", "word", "GLOSSARY"]
