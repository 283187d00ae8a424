import unittest

from prices import order_total


class OrderTotalTest(unittest.TestCase):
    def test_no_discount(self):
        self.assertEqual(order_total(2.50, 4), 10.00)

    def test_ten_percent_discount(self):
        self.assertEqual(order_total(10.00, 3, discount_percent=10), 27.00)


if __name__ == "__main__":
    unittest.main()
