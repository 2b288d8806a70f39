"""Reports: a neighbour's word on a site's condition, merged with others of its kind and closed by what fixes it."""
