from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "birtizim.web.projects"
    label = "projects"
