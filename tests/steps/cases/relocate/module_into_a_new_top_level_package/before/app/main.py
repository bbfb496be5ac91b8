from app.utils.clock import stamp

print(stamp())
