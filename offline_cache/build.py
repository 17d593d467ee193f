"""Build a snapshot data file from the exported source tables (one CSV or JSONL file per table).

Rows are streamed into SQLite in large transactions with the source line as rowid: duplicate keys
and dangling references are then found by SQL after loading, and still reported by line, without
holding a million keys in Python."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from offline_cache import sealing
from offline_cache.buckets import BucketTable, bucket_count, bucket_sql, compute_table, create_bucketed_tables, stored
from offline_cache.errors import BuildError
from offline_cache.records import WEAK_BASIS_LEVELS
from offline_cache.schema import BY_NAME, DATA_FORMAT, TABLES, Table, create_indexes, create_tables

BATCH = 20000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_TRUE = {"true": 1, "1": 1, "false": 0, "0": 0}


@dataclass
class BuildReport:
    path: Path
    counts: dict[str, int]
    seconds: float
    table_sha256: str  # the bucket table's SHA-256: equal for equal datasets
    size: int
    sources: dict[str, Path] = field(default_factory=dict)
    buckets: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


def find_sources(folder: Path) -> dict[str, Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise BuildError(str(folder), None, None, "源数据文件夹不存在")
    found = {}
    for t in TABLES:
        if t.generated:
            continue
        options = [p for p in (folder / f"{t.name}.csv", folder / f"{t.name}.jsonl") if p.is_file()]
        if not options and t.may_be_absent:
            continue
        if not options:
            raise BuildError(str(folder / f"{t.name}.csv"), None, None,
                             f"缺少 {t.name} 表（应有 {t.name}.csv 或 {t.name}.jsonl）")
        if len(options) > 1:
            raise BuildError(str(options[0]), None, None,
                             f"{t.name} 表同时有 CSV 和 JSONL 两个文件，无法确定用哪个，请删去其一")
        found[t.name] = options[0]
    return found


class _Validator:
    """Turns one source record (text values in column order) into the stored row, or says what is
    wrong with which column."""

    def __init__(self, table: Table, file: str):
        self.table = table
        self.file = file
        idx = {c: i for i, c in enumerate(table.columns)}
        self.required = [(idx[c], c) for c in table.required]
        self.enums = [(idx[c], c, frozenset(v), "/".join(v)) for c, v in table.enums]
        self.dates = [(idx[c], c) for c in table.dates]
        self.optional_dates = [(idx[c], c) for c in table.optional_dates]
        self.optional = [idx[c] for c in table.optional]
        self.booleans = [(idx[c], c) for c in table.booleans]
        self.rule = _RULES.get(table.name)
        self.idx = idx

    def fail(self, line: int, column: str, problem: str):
        raise BuildError(self.file, line, column, problem)

    def row(self, line: int, values: list) -> list:
        for i, col in self.required:
            if not values[i]:
                self.fail(line, col, "不能为空")
        for i, col, allowed, shown in self.enums:
            if values[i] not in allowed:
                self.fail(line, col, f"取值 {values[i]!r} 无效，应为 {shown}")
        for i, col in self.dates:
            self._date(line, col, values[i])
        for i, col in self.optional_dates:
            if values[i] in ("", None):
                values[i] = None
            else:
                self._date(line, col, values[i])
        for i, col in self.booleans:
            v = values[i]
            if isinstance(v, bool):
                values[i] = int(v)
            elif isinstance(v, int) and v in (0, 1):
                pass
            elif isinstance(v, str) and v.strip().lower() in _TRUE:
                values[i] = _TRUE[v.strip().lower()]
            else:
                self.fail(line, col, f"取值 {v!r} 无效，应为 true/false 或 1/0")
        for i in self.optional:
            if values[i] == "":
                values[i] = None
        if self.rule is not None:
            broken = self.rule({c: values[i] for c, i in self.idx.items()})
            if broken is not None:
                self.fail(line, *broken)
        return values

    def _date(self, line: int, col: str, value) -> None:
        if not isinstance(value, str) or not _DATE.match(value):
            self.fail(line, col, f"日期 {value!r} 格式无效，应为 YYYY-MM-DD")
        try:
            date.fromisoformat(value)
        except ValueError:
            self.fail(line, col, f"日期 {value!r} 不存在")


def _measure_rule(m: dict) -> tuple[str, str] | None:
    """国办发〔2020〕49号 (依法依规、清单管理): a mandatory punishment needs a basis above a
    department rule or a memorandum; and the effect must fit the measure's nature."""
    mid = m["measure_id"]
    if m["nature"] == "punish" and m["mandatory"] and m["basis_level"] in WEAK_BASIS_LEVELS:
        return ("basis_level", f"措施 {mid} 是必须执行的惩戒措施，但依据层级为 {m['basis_level']}"
                               "（部门规章或合作备忘录），不足以设定必须执行的惩戒：请补充法律、"
                               "法规或中央文件依据，或改为非必须执行")
    if m["nature"] == "punish" and m["effect"] == "reward":
        return ("effect", f"措施 {mid} 是惩戒措施，effect 不能为 reward")
    if m["nature"] == "reward" and m["effect"] not in ("reward", "inform"):
        return ("effect", f"措施 {mid} 是激励措施，effect 应为 reward 或 inform，不能为 {m['effect']}")
    return None


def _entry_rule(e: dict) -> tuple[str, str] | None:
    """A court's 失信被执行人 entry is deleted or corrected by the court (removed), never repaired
    through the credit platform nor held in a platform objection."""
    if "人民法院" in (e["authority"] or "") and e["state"] in ("repaired", "objection"):
        return ("state", f"名单信息 {e['entry_id']} 由人民法院公布，不能为 {e['state']}："
                         "由执行法院删除或纠正，请用 removed（已删除）或 active")
    return None


_RULES = {"measures": _measure_rule, "entries": _entry_rule}


def _check_header(table: Table, file: str, names: list, line: int) -> list[int]:
    seen = set()
    for name in names:
        if name in seen:
            raise BuildError(file, line, str(name), "列名重复")
        seen.add(name)
        if name not in table.columns:
            raise BuildError(file, line, str(name), f"未知的列（{table.name} 表的列为 {', '.join(table.columns)}）")
    for col in table.columns:
        if col not in seen:
            raise BuildError(file, line, col, "缺少此列")
    return [names.index(c) for c in table.columns]


def _read_csv(path: Path, table: Table, tell: list) -> Iterator[tuple[int, list]]:
    file = str(path)
    # utf-8-sig: spreadsheet exports often start with a byte order mark.
    with open(path, encoding="utf-8-sig", newline="") as fh:
        tell.append(fh.buffer)
        reader = csv.reader(fh, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise BuildError(file, 1, None, "文件为空，缺少表头行")
            order = _check_header(table, file, header, 1)
            width = len(header)
            last = reader.line_num
            for record in reader:
                line = last + 1
                last = reader.line_num
                if len(record) != width:
                    if record == [] or record == [""]:
                        continue
                    raise BuildError(file, line, None, f"应有 {width} 列，实际 {len(record)} 列")
                yield line, [record[i] for i in order]
        except csv.Error as exc:
            raise BuildError(file, reader.line_num, None, f"CSV 格式错误：{exc}") from None
        except UnicodeDecodeError:
            raise BuildError(file, reader.line_num + 1, None, "不是 UTF-8 编码") from None


def _read_jsonl(path: Path, table: Table, tell: list) -> Iterator[tuple[int, list]]:
    file = str(path)
    text_cols = set(table.columns) - set(table.booleans) - set(table.optional_dates) - set(table.optional)
    with open(path, encoding="utf-8") as fh:
        tell.append(fh.buffer)
        line = 0
        try:
            for line, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except ValueError as exc:
                    raise BuildError(file, line, None, f"不是有效的 JSON：{exc}") from None
                if not isinstance(obj, dict):
                    raise BuildError(file, line, None, "每行应为一个 JSON 对象")
                if obj.keys() != set(table.columns):
                    _check_header(table, file, list(obj), line)
                values = [obj[c] for c in table.columns]
                for col, v in zip(table.columns, values):
                    if col in text_cols and not isinstance(v, str):
                        raise BuildError(file, line, col, f"应为文本，实际为 {json.dumps(v, ensure_ascii=False)}")
                    if col in table.optional_dates and v is not None and not isinstance(v, str):
                        raise BuildError(file, line, col, "应为日期文本或 null")
                    if col in table.optional and v is not None and not isinstance(v, str):
                        raise BuildError(file, line, col, "应为文本或 null")
                yield line, values
        except UnicodeDecodeError:
            raise BuildError(file, line + 1, None, "不是 UTF-8 编码") from None


def build(sources: Path, out: Path, *, progress: Callable[[int, int], None] | None = None,
          buckets: int | None = None, sealing_params: dict | None = None,
          sealing_salt: bytes | None = None) -> BuildReport:
    """Validate and load the source tables into a new data file ``out`` (replaced atomically; a
    failed build leaves nothing behind) and write its bucket table next to it (``bucket_path``).
    ``progress(bytes_read, bytes_total)`` over all sources. ``buckets``: keep a previous release's
    bucket count (a delta needs the same one); default: from the subject count."""
    started = time.perf_counter()
    files = find_sources(Path(sources))
    out = Path(out)
    total_bytes = sum(p.stat().st_size for p in files.values())
    token = uuid.uuid4().hex[:8]
    tmp = out.with_name(f".{out.name}.{token}.building")
    scratch = out.with_name(f".{out.name}.{token}.loading")
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        # Both files are scratch until the rename: no journal, no syncs while loading.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("ATTACH DATABASE ? AS load", (str(scratch),))
        conn.execute("PRAGMA load.journal_mode=OFF")
        conn.execute("PRAGMA load.synchronous=OFF")
        # Rows are loaded with their source line as rowid (so problems are reported by line),
        # then written to the data file in bucket order, so that a bucket's rows share pages.
        create_tables(conn, "load")
        counts = {}
        done_before = 0
        for t in TABLES:
            if t.generated:
                continue
            path = files.get(t.name)
            if path is None:
                counts[t.name] = 0
                continue
            reader = _read_csv if path.suffix == ".csv" else _read_jsonl
            validator = _Validator(t, str(path))
            sql = (f"INSERT INTO load.{t.name} (rowid, {', '.join(t.columns)}) "
                   f"VALUES (?{', ?' * len(t.columns)})")
            tell: list = []
            n = 0
            batch = []
            conn.execute("BEGIN")
            for line, values in reader(path, t, tell):
                batch.append((line, *validator.row(line, values)))
                if len(batch) >= BATCH:
                    conn.executemany(sql, batch)
                    n += len(batch)
                    batch.clear()
                    if progress is not None:
                        progress(done_before + tell[0].tell(), total_bytes)
            conn.executemany(sql, batch)
            n += len(batch)
            conn.execute("COMMIT")
            counts[t.name] = n
            done_before += path.stat().st_size
            if progress is not None:
                progress(done_before, total_bytes)
        # Before the indexes: the rows get their final keys first (persons by their sealed tag).
        sealing.seal_persons(conn, sealing_params, sealing_salt)
        for t in TABLES:
            _index(conn, t, files)
        for t in TABLES:
            _check_references(conn, t, files)
            _check_separators(conn, t, files)
        n_buckets = buckets or bucket_count(counts["subjects"])
        create_bucketed_tables(conn, n_buckets)
        conn.execute("BEGIN")
        for t in TABLES:
            cols = ", ".join(t.columns)
            if t.bucket_by:
                # In primary-key order: the clustered table is written front to back.
                conn.execute(f"INSERT INTO main.{stored(t)} (bucket, {cols}) SELECT "
                             f"{bucket_sql(t.bucket_by, n_buckets)} AS b, {cols} FROM load.{t.name} "
                             f"ORDER BY b, {', '.join(t.key)}")
            else:
                conn.execute(f"INSERT INTO main.{t.name} ({cols}) SELECT {cols} FROM load.{t.name} "
                             f"ORDER BY {', '.join(t.key)}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE load")
        scratch.unlink()
        for t in TABLES:
            create_indexes(conn, t, on=stored(t))
        conn.execute("ANALYZE")
        conn.execute(f"PRAGMA user_version={DATA_FORMAT}")
        table = compute_table(conn)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        _fsync(tmp)
        write_table(bucket_path(out), table)
        os.replace(tmp, out)
        _stamp(bucket_path(out), out)  # the file now in place
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        scratch.unlink(missing_ok=True)
        raise
    return BuildReport(out, counts, time.perf_counter() - started, table.sha256(), out.stat().st_size, files,
                       table.count)


def bucket_path(data: Path) -> Path:
    """Where build leaves a data file's bucket table: ``X.sqlite`` → ``X.buckets``."""
    return Path(data).with_suffix(".buckets")


def ensure_buckets(data: Path) -> Path:
    """The data file's bucket table: the one build left beside it, else computed now. Computed
    again unless the table's stamp (``stamp_path``) names the data file exactly as it is: a
    delta is made from the buckets whose digests differ, so a table that no longer describes its
    file would leave a correction out of the delta, and the desk would keep the old row as
    verified. Not by modification times: a table copied in later, a clock ahead, two writes in
    one tick of the file system's clock (2 s on FAT) or a correction still in SQLite's WAL file
    (the data file's time unchanged) all made a stale table look current."""
    path = bucket_path(data)
    stamp = _data_stamp(Path(data))
    try:
        current = stamp is not None and path.is_file() and stamp_path(path).read_bytes() == stamp
    except OSError:
        current = False
    if not current:
        conn = sqlite3.connect(Path(data).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            write_table(path, compute_table(conn), of=Path(data))
        except (sqlite3.DatabaseError, ValueError):
            raise ValueError(f"不是快照数据文件（应由 offline-cache build 生成）：{data}") from None
        finally:
            conn.close()
    BucketTable.from_bytes(path.read_bytes())
    return path


def stamp_path(table: Path) -> Path:
    """Beside a bucket table: which data file, as it was, the table was computed from."""
    return Path(table).with_name(Path(table).name + ".stamp")


def _data_stamp(data: Path) -> bytes | None:
    """The data file's identity: size, time, inode and its SQLite header, whose change counter
    (offset 24) every committed write transaction increments in rollback-journal mode, whatever
    the clock does. None (never current) in WAL mode, where the counter may stay and the rows
    may sit in the -wal file."""
    try:
        wal = Path(f"{data}-wal")
        if wal.exists() and wal.stat().st_size:
            return None
        with open(data, "rb") as fh:
            header = fh.read(100)
            st = os.fstat(fh.fileno())
    except OSError:
        return None
    if len(header) < 100 or header[18] == 2:
        return None
    return json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino,
                       "header": hashlib.sha256(header).hexdigest()}).encode("ascii")


def write_table(path: Path, table: BucketTable, *, of: Path | None = None) -> None:
    """``table`` to ``path``; with ``of``, stamped as describing that data file as it is now
    (only where the caller computed it from that file's rows)."""
    stamp_path(path).unlink(missing_ok=True)  # a stamp never outlives the table it vouched for
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(table.to_bytes())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    if of is not None:
        _stamp(path, Path(of))


def _stamp(table: Path, data: Path) -> None:
    stamp = _data_stamp(data)
    if stamp is not None:
        stamp_path(table).write_bytes(stamp)


def _index(conn: sqlite3.Connection, t: Table, files: dict[str, Path]) -> None:
    try:
        create_indexes(conn, t, "load")
    except sqlite3.IntegrityError:
        keys = ", ".join(t.key)
        # The first line in file order that repeats a key seen on an earlier line.
        line, *key = conn.execute(
            f"SELECT rowid, {keys} FROM (SELECT rowid, {keys}, ROW_NUMBER() OVER "
            f"(PARTITION BY {keys} ORDER BY rowid) AS n FROM load.{t.name}) WHERE n = 2 "
            f"ORDER BY rowid LIMIT 1").fetchone()
        first = conn.execute(f"SELECT MIN(rowid) FROM load.{t.name} WHERE "
                             + " AND ".join(f"{k} = ?" for k in t.key), key).fetchone()[0]
        shown = "、".join(repr(v) for v in key)
        raise BuildError(str(files[t.name]), line, keys, f"键 {shown} 重复（第 {first} 行已有）") from None


def _check_references(conn: sqlite3.Connection, t: Table, files: dict[str, Path]) -> None:
    for col, parent, pcol in t.references:
        row = conn.execute(f"SELECT c.rowid, c.{col} FROM load.{t.name} c WHERE NOT EXISTS "
                           f"(SELECT 1 FROM load.{parent} p WHERE p.{pcol} = c.{col}) "
                           f"ORDER BY c.rowid LIMIT 1").fetchone()
        if row is not None:
            raise BuildError(str(files[t.name]), row[0], col,
                             f"引用的 {pcol} {row[1]!r} 在 {files[parent].name} 中不存在")


def _check_separators(conn: sqlite3.Connection, t: Table, files: dict[str, Path]) -> None:
    """A bucket's rows are hashed as text with U+001E and U+001F between rows and fields
    (buckets.py): a value holding either would make two different rows read alike."""
    if not t.bucket_by or t.name not in files:
        return
    texts = [c for c in t.columns if c not in t.booleans]
    found = " OR ".join(f"instr({c}, char(30)) OR instr({c}, char(31))" for c in texts)
    row = conn.execute(f"SELECT rowid, {', '.join(texts)} FROM load.{t.name} WHERE {found} "
                       f"ORDER BY rowid LIMIT 1").fetchone()
    if row is not None:
        col = next(c for c, v in zip(texts, row[1:]) if v and ("\x1e" in v or "\x1f" in v))
        raise BuildError(str(files[t.name]), row[0], col, "含有不可见的控制字符（U+001E 或 U+001F），请从源数据中删去")


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


__all__ = ["BuildReport", "build", "bucket_path", "find_sources", "write_table", "BY_NAME"]
