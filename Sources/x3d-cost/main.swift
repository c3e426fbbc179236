print("x3d-cost")
