"""Thin views, one blueprint per module (each named `bp`): parse the request, call a service, render."""
