from shared.time.clock import stamp

print(stamp())
