"""What the reader chose and what it shows: facets, filters, links, the per-view index, the headline, the citation and embed wording."""
