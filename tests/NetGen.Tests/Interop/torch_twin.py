"""Runs the PyTorch twin from a generated file's header: builds the module, loads NetGen's saved file with
strict=True and writes predict(x) for the inputs.  Usage: torch_twin.py twin.py model.safetensors inputs.safetensors out.safetensors"""
import json, struct, sys
import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}


def load(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    return {k: torch.frombuffer(bytearray(body[v["data_offsets"][0]:v["data_offsets"][1]]), dtype=DTYPES[v["dtype"]]).reshape(v["shape"]).clone()
            for k, v in header.items() if k != "__metadata__"}


def save(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


twin, model_path, inputs_path, out_path = sys.argv[1:5]
scope = {}
exec(open(twin).read(), scope)
model = scope["model"]
model.load_state_dict(load(model_path), strict=True)
model.eval()
with torch.no_grad():
    y = scope["predict"](load(inputs_path)["x"])
save(out_path, {"y": y})
