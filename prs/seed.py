"""Create the schema and load the catalogue plus generated students."""

import csv
import logging
import random
from datetime import date, time
from importlib import resources

from sqlalchemy import func, insert, select

from prs.db import db
from prs.models import Advisor, ClassSection, Course, Exam, Student

logger = logging.getLogger(__name__)

DEFAULT_STUDENTS = 2000
DEFAULT_SEED = 42
MAX_STUDENTS = 99_999
PROGRAMS = ("Informatics", "Information Systems", "Data Science")
PROGRAM_WEIGHTS = (6, 3, 1)
CREDIT_LIMITS = range(18, 25)

FIRST_NAMES = [
    "Adinda",
    "Agus",
    "Ahmad",
    "Aisyah",
    "Alya",
    "Andi",
    "Anisa",
    "Arif",
    "Ayu",
    "Bagus",
    "Bayu",
    "Dimas",
    "Dina",
    "Eka",
    "Fadli",
    "Farah",
    "Fikri",
    "Galih",
    "Hana",
    "Ilham",
    "Indra",
    "Intan",
    "Kevin",
    "Laras",
    "Lutfi",
    "Maya",
    "Nabila",
    "Naufal",
    "Nadia",
    "Putu",
    "Raka",
    "Rani",
    "Reza",
    "Rina",
    "Salsabila",
    "Satria",
    "Tiara",
    "Vina",
    "Wulan",
    "Yoga",
    "Zahra",
]
LAST_NAMES = [
    "Anggraini",
    "Firmansyah",
    "Gunawan",
    "Hakim",
    "Harahap",
    "Hidayat",
    "Irawan",
    "Kurniawan",
    "Kusuma",
    "Lestari",
    "Lubis",
    "Maharani",
    "Nasution",
    "Nugroho",
    "Permana",
    "Pratama",
    "Purnama",
    "Putra",
    "Rahman",
    "Ramadhan",
    "Saputra",
    "Setiawan",
    "Siregar",
    "Sitompul",
    "Suryadi",
    "Tanjung",
    "Utomo",
    "Wibowo",
    "Wijaya",
    "Yulianto",
]


class SeedError(RuntimeError):
    """The database cannot be seeded in its current state."""


def read_csv(name: str) -> list[dict]:
    """Read one catalogue file shipped in prs/data."""
    with resources.files("prs").joinpath("data", name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def parse_time(value: str) -> time:
    """Parse an HH:MM time of day."""
    return time.fromisoformat(value)


def load_catalogue() -> dict:
    """Return the catalogue rows per model, with typed values."""
    classes = [
        {
            **row,
            "id": int(row["id"]),
            "start": parse_time(row["start"]),
            "end": parse_time(row["end"]),
            "capacity": int(row["capacity"]),
        }
        for row in read_csv("classes.csv")
    ]
    exams = [
        {
            **row,
            "id": int(row["id"]),
            "date": date.fromisoformat(row["date"]),
            "start": parse_time(row["start"]),
            "end": parse_time(row["end"]),
        }
        for row in read_csv("exams.csv")
    ]
    courses = [
        {**row, "credits": int(row["credits"])} for row in read_csv("courses.csv")
    ]
    return {
        Advisor: read_csv("advisors.csv"),
        Course: courses,
        ClassSection: classes,
        Exam: exams,
    }


def generate_students(count: int, seed: int, advisor_ids: list[str]) -> list[dict]:
    """Generate the same students for the same count, seed and advisors."""
    if not 0 <= count <= MAX_STUDENTS:
        raise SeedError(f"The student count must be between 0 and {MAX_STUDENTS}.")

    rng = random.Random(seed)
    students = []
    for number in range(1, count + 1):
        students.append(
            {
                "id": f"S{number:05d}",
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "program": rng.choices(PROGRAMS, PROGRAM_WEIGHTS)[0],
                "credit_limit": rng.choice(CREDIT_LIMITS),
                "advisor_id": rng.choice(advisor_ids),
                "plan_status": "draft",
            }
        )
    return students


def seed_database(students: int = DEFAULT_STUDENTS, seed: int = DEFAULT_SEED) -> int:
    """Insert the catalogue and the students into an empty schema."""
    existing = db.session.scalar(select(func.count()).select_from(Course))
    if existing:
        raise SeedError(
            "The database is already seeded; run `prs reset-db` to start over."
        )

    catalogue = load_catalogue()
    advisor_ids = [row["id"] for row in catalogue[Advisor]]
    catalogue[Student] = generate_students(students, seed, advisor_ids)
    for model, rows in catalogue.items():
        if rows:
            db.session.execute(insert(model), rows)
    db.session.commit()

    logger.info("Seeded %d students with seed %d", students, seed)
    return students


def is_seeded() -> bool:
    """Return whether the catalogue is already loaded."""
    return bool(db.session.scalar(select(func.count()).select_from(Course)))


def create_schema() -> None:
    """Create every missing table (idempotent)."""
    db.create_all()


def drop_schema() -> None:
    """Drop every table of the PRS schema."""
    db.drop_all()
