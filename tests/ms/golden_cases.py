"""The cases recorded from the real MindSpore (data/make_golden.py) and replayed by
test_ms_golden.py: one list, so the recording and the check cannot drift apart."""

# name, constructor kwargs, input shapes, input_size (ops only)
OPS_CASES = [
    ("valid_k3s2", dict(out_channel=1, kernel_size=3, stride=2), (2, 4, 5, 4), (4, 3, 3, 3), (2, 3, 12, 10)),
    ("valid_k2s3", dict(out_channel=1, kernel_size=2, pad_mode="valid", stride=3), (1, 2, 3, 3), (2, 2, 2, 2), (1, 2, 9, 8)),
    ("same_k3s2", dict(out_channel=1, kernel_size=3, pad_mode="same", stride=2), (1, 4, 5, 5), (4, 2, 3, 3), (1, 2, 10, 9)),
    ("same_k2x4", dict(out_channel=1, kernel_size=(2, 4), pad_mode="same"), (1, 2, 5, 6), (2, 3, 2, 4), (1, 3, 5, 6)),
    ("pad_asym", dict(out_channel=1, kernel_size=3, pad_mode="pad", pad=(1, 0, 2, 1), stride=2), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 8, 6)),
    ("pad_dil", dict(out_channel=1, kernel_size=3, pad_mode="pad", pad=(2, 1, 0, 3), stride=(2, 3), dilation=(2, 1)), (2, 2, 3, 4), (2, 2, 3, 3), (2, 2, 7, 9)),
    ("pad_list", dict(out_channel=1, kernel_size=3, pad_mode="pad", pad=1, pad_list=(1, 0, 2, 1)), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 5, 3)),
    ("group4", dict(out_channel=1, kernel_size=3, group=4), (1, 4, 3, 3), (4, 2, 3, 3), (1, 8, 5, 5)),
]
NN_CASES = [
    ("same_s2_bias", dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, has_bias=True), (2, 4, 5, 5)),
    ("valid_s3_k2", dict(in_channels=2, out_channels=3, kernel_size=2, stride=3, pad_mode="valid", has_bias=True), (1, 2, 4, 5)),
    ("valid_d2", dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, dilation=2, pad_mode="valid"), (1, 2, 4, 5)),
    ("pad_op", dict(in_channels=2, out_channels=4, kernel_size=3, stride=2, pad_mode="pad", padding=(1, 0, 2, 1), output_padding=(1, 1), has_bias=True), (1, 2, 4, 5)),
    ("group2", dict(in_channels=4, out_channels=6, kernel_size=3, group=2, has_bias=True), (1, 4, 4, 4)),
]
SEEDS = (0, 1, 42, 2024)
