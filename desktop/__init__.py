"""Credit Desk (信用核查窗口端): the service-hall window client."""
__version__ = "0.1.0"
