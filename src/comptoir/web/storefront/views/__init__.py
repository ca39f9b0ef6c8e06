"""Storefront views. Thin: parse the request, call selectors and services, render."""
