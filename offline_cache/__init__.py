"""Signed offline snapshot of the provincial credit lists: format, build, sign, delta, verify,
install and point lookup. No Qt: used by the desk client and by the publisher command."""
