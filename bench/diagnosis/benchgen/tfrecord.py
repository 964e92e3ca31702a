"""TensorBoard event files written directly: Debian has no `tensorboard` package, so `torch.utils.tensorboard` cannot be
imported; this writes the same bytes its SummaryWriter writes for scalars. A file is a sequence of TFRecords (uint64
length, masked CRC-32C of the length, the data, masked CRC-32C of the data), each holding an `Event` protocol buffer:
wall_time (field 1, double), step (2, int64), file_version (3, string) in the first record, summary (5, Summary with
repeated Value{tag (1), simple_value (2, float)})."""
import struct


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked_crc(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(number, wire, payload):
    return _varint((number << 3) | wire) + payload


def _bytes_field(number, data):
    return _field(number, 2, _varint(len(data)) + data)


def event(wall_time, step, file_version=None, scalars=None):
    body = _field(1, 1, struct.pack("<d", wall_time)) + _field(2, 0, _varint(step))
    if file_version is not None:
        body += _bytes_field(3, file_version.encode())
    if scalars:
        summary = b"".join(_bytes_field(1, _bytes_field(1, tag.encode()) + _field(2, 5, struct.pack("<f", value)))
                           for tag, value in scalars)
        body += _bytes_field(5, summary)
    return body


def record(data):
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc(header)) + data + struct.pack("<I", masked_crc(data))


class EventFileWriter:
    def __init__(self, path, wall_time):
        self._f = open(path, "wb")
        self._f.write(record(event(wall_time, 0, file_version="brain.Event:2")))

    def scalars(self, wall_time, step, values):
        """One event per scalar, as SummaryWriter.add_scalar writes them."""
        for tag, value in values:
            self._f.write(record(event(wall_time, step, scalars=[(tag, value)])))

    def close(self):
        self._f.close()
