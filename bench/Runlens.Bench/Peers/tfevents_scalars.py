"""The peer of `runlens analyze FILE.tfevents` in the `peers` bench: reads every scalar of a TensorBoard event file in
plain Python, as a user without TensorBoard would. TensorBoard itself is not installable here and Debian has no
python3-protobuf on this machine, so this is a minimal reader written for the bench: TFRecord framing (8-byte length,
4-byte length CRC, the record, 4-byte record CRC) and the protobuf wire format of Event (wall_time 1, step 2, summary 5) -> Summary.value (1) ->
Value (tag 1, simple_value 2, tensor 8 with float_val 5 / double_val 6). Scalars are gathered per tag as
(step, wall_time, value), as EventAccumulator keeps them.

Without --crc the two CRCs are not checked (the fastest a plain Python reader gets). With --crc both masked CRC-32Cs are
checked with a table-driven pure-Python CRC-32C, as TensorBoard's own reader does when TensorFlow is not installed
(tensorboard/compat/tensorflow_stub: PyRecordReader_New.GetNext and masked_crc32c).

    /usr/bin/python3 tfevents_scalars.py FILE [--crc]
prints: scalars N tags T
"""
import struct
import sys

_unpack_double = struct.Struct("<d").unpack_from
_unpack_float = struct.Struct("<f").unpack_from
_unpack_u64 = struct.Struct("<Q").unpack_from


def varint(buf, pos):
    result = 0
    shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def skip(buf, pos, wire):
    if wire == 0:
        return varint(buf, pos)[1]
    if wire == 1:
        return pos + 8
    if wire == 2:
        n, pos = varint(buf, pos)
        return pos + n
    if wire == 5:
        return pos + 4
    raise ValueError("unsupported wire type %d" % wire)


def tensor_value(buf, pos, end):
    value = None
    while pos < end:
        key, pos = varint(buf, pos)
        field, wire = key >> 3, key & 7
        if field == 5 and wire == 2:  # packed float_val
            n, pos = varint(buf, pos)
            if n >= 4:
                value = _unpack_float(buf, pos)[0]
            pos += n
        elif field == 5 and wire == 5:
            value = _unpack_float(buf, pos)[0]
            pos += 4
        elif field == 6 and wire == 2:  # packed double_val
            n, pos = varint(buf, pos)
            if n >= 8:
                value = _unpack_double(buf, pos)[0]
            pos += n
        elif field == 6 and wire == 1:
            value = _unpack_double(buf, pos)[0]
            pos += 8
        else:
            pos = skip(buf, pos, wire)
    return value


def summary_values(buf, pos, end):
    while pos < end:
        key, pos = varint(buf, pos)
        if key >> 3 == 1 and key & 7 == 2:
            n, pos = varint(buf, pos)
            vend = pos + n
            tag = None
            value = None
            p = pos
            while p < vend:
                k, p = varint(buf, p)
                field, wire = k >> 3, k & 7
                if field == 1 and wire == 2:
                    m, p = varint(buf, p)
                    tag = buf[p:p + m].decode("utf-8")
                    p += m
                elif field == 2 and wire == 5:
                    value = _unpack_float(buf, p)[0]
                    p += 4
                elif field == 8 and wire == 2:
                    m, p = varint(buf, p)
                    value = tensor_value(buf, p, p + m)
                    p += m
                else:
                    p = skip(buf, p, wire)
            if tag is not None and value is not None:
                yield tag, value
            pos = vend
        else:
            pos = skip(buf, pos, key & 7)


def _table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC_TABLE = _table()


def masked_crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


_unpack_u32 = struct.Struct("<I").unpack_from


def read(path, crc=False):
    scalars = {}
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    size = len(data)
    while pos + 12 <= size:
        length = _unpack_u64(data, pos)[0]
        start = pos + 12
        end = start + length
        if end + 4 > size:
            break  # a partial last record, as a reader of a live file skips it
        if crc and (masked_crc32c(data[pos:pos + 8]) != _unpack_u32(data, pos + 8)[0]
                    or masked_crc32c(data[start:end]) != _unpack_u32(data, end)[0]):
            raise ValueError("%s: record at offset %d failed its CRC check" % (path, pos))
        wall = 0.0
        step = 0
        p = start
        while p < end:
            key, p = varint(data, p)
            field, wire = key >> 3, key & 7
            if field == 1 and wire == 1:
                wall = _unpack_double(data, p)[0]
                p += 8
            elif field == 2 and wire == 0:
                step, p = varint(data, p)
            elif field == 5 and wire == 2:
                n, p = varint(data, p)
                for tag, value in summary_values(data, p, p + n):
                    scalars.setdefault(tag, []).append((step, wall, value))
                p += n
            else:
                p = skip(data, p, wire)
        pos = end + 4
    return scalars


if __name__ == "__main__":
    s = read(sys.argv[1], crc="--crc" in sys.argv[2:])
    print("scalars %d tags %d" % (sum(len(v) for v in s.values()), len(s)))
