"""Order pricing for a small shop."""


def order_total(unit_price, quantity, discount_percent=0):
    """The price of `quantity` items at `unit_price`, less `discount_percent` percent."""
    subtotal = unit_price * quantity
    discount = subtotal * discount_percent
    return round(subtotal - discount, 2)
